import assert from 'node:assert/strict';
import { MemorySaver } from '@langchain/langgraph';
import { join } from 'node:path';
import { conversation, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { coder, plan, routing, write } from '../support/conflictScenario';
import { MemoryRecords } from '../support/memoryRecords';
import { git, makeRepo } from '../support/repoBuilder';

// "Ask <agent> to resolve" (a quick fix on a conflict diagnostic): a task outside the plan, in which
// the agent merges the other side's branch into its own and resolves what git could not merge.

describe('engine: ask an agent to resolve a conflict', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  async function conflicted(tester: AgentScript) {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder,
      tester,
    }) });
    const repo = makeRepo({ 'a.txt': '42\n' });
    const store = { checkpointer: new MemorySaver(), records: new MemoryRecords() };
    const h = await makeEngine(repo, server, store);
    const id = await h.engine.start('answer twice');
    const first = await h.engine.run(id);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    await h.engine.conflictsSettled(id);
    const detected = h.of('conflict.detected').find((e) => e.data.kind === 'textual');
    assert.ok(detected, 'the two branches conflict over a.txt');
    return { repo, h, id, detected, store };
  }

  it('merges the other branch into the agent\'s, lets it resolve the markers, and asks the open approval again after', async () => {
    let seen = '';
    const { repo, h, id, detected, store } = await conflicted({
      work: (t, _round, prompt) => {
        if (t !== 'resolve-tester-1') return write('a.txt', 'quarante-deux\n');
        seen = prompt;
        return [{ name: 'read_file', args: { path: 'a.txt' } }];
      },
      // Once it has read the markers, it writes both versions in one line; then it finishes.
      next: (t, req) => {
        const results = req.messages.filter((m) => m.role === 'tool');
        if (t !== 'resolve-tester-1' || results.length !== 1 || !conversation(req).last.includes('<<<<<<<')) return undefined;
        return { toolCalls: write('a.txt', 'forty-two (quarante-deux)\n') };
      },
    });
    const testerHead = git(repo, 'rev-parse', `baton/${id}/tester`);
    const [approval] = await h.engine.pendingApprovals(id);
    assert.match(approval!.approvalId, /^t3-after/);

    // coder's change waits for the approval: it could only start after it (asked in another window,
    // which never runs the workflow, so the request stays there). tester is free.
    const elsewhere = await makeEngine(repo, server!, store);
    const forCoder = await elsewhere.engine.askToResolve(id, { path: 'a.txt', agent: 'coder', other: 'tester' });
    assert.deepEqual(forCoder, { taskId: 'resolve-coder-1', after: approval!.approvalId });
    const ticket = await h.engine.askToResolve(id, { path: 'a.txt', agent: 'tester', other: 'coder' });
    assert.deepEqual(ticket, { taskId: 'resolve-tester-1', after: undefined });
    const routed = h.of('task.routed').filter((e) => e.data.strategy === 'user');
    assert.equal(routed.at(-1)!.data.agentId, 'tester');

    const again = await h.engine.run(id);
    assert.equal(again.status, 'waiting', JSON.stringify(again));
    assert.deepEqual(again.status === 'waiting' && again.approvals.map((a) => a.approvalId), [approval!.approvalId], 'the put-off approval is asked again');
    assert.match(seen, /merging baton\/.+\/coder into your worktree/);
    const started = h.of('agent.started').filter((e) => e.data.taskId === 'resolve-tester-1');
    assert.equal(started.length, 1);
    assert.ok(h.of('agent.message').some((e) => e.data.taskId === 'resolve-tester-1' && /git could not merge a\.txt/.test(String(e.data.content))));

    // The resolution is a merge commit on tester's branch: coder's work is in it, the file has both.
    const tester = `baton/${id}/tester`;
    assert.equal(git(repo, 'show', `${tester}:a.txt`), 'forty-two (quarante-deux)');
    assert.equal(git(repo, 'rev-parse', `${tester}^1`), testerHead);
    git(repo, 'merge-base', '--is-ancestor', `baton/${id}/coder`, tester);
    assert.equal(git(repo, 'merge-tree', '--write-tree', '--name-only', `baton/${id}/coder`, tester).split('\n').length, 1, 'the two branches merge cleanly now');
    await h.engine.conflictsSettled(id);
    assert.ok(h.of('conflict.resolved').some((e) => e.data.id === detected.data.id), 'the diagnostic clears');

    // Answering the approval goes on from there: the resolution stays done, nothing runs twice.
    await h.engine.decide(id, approval!.approvalId, 'approve');
    const end = await h.engine.run(id);
    assert.notEqual(end.status, 'failed', JSON.stringify(end));
    assert.equal(h.of('agent.started').filter((e) => e.data.taskId === 'resolve-tester-1').length, 1);
    const integration = await h.engine.integration(id);
    assert.deepEqual(integration?.conflicts, [], JSON.stringify(integration));
  });

  it('fails the task cleanly when the agent leaves conflict markers: nothing is committed, the worktree is clean', async () => {
    const { repo, h, id } = await conflicted({ work: (t) => (t === 'resolve-tester-1' ? [] : write('a.txt', 'quarante-deux\n')) });
    const testerHead = git(repo, 'rev-parse', `baton/${id}/tester`);
    await h.engine.askToResolve(id, { path: 'a.txt', agent: 'tester', other: 'coder' });
    await h.engine.run(id);
    const failed = h.of('agent.failed').find((e) => e.data.taskId === 'resolve-tester-1');
    assert.match(String(failed?.data.error), /conflict markers still in a\.txt/);
    assert.equal(git(repo, 'rev-parse', `baton/${id}/tester`), testerHead, 'the half-done merge is not on the branch');
    const worktree = join(repo, '.git', 'baton', 'worktrees', id, 'tester');
    assert.equal(git(repo, '-C', worktree, 'status', '--porcelain'), '');
    assert.throws(() => git(repo, '-C', worktree, 'rev-parse', '--verify', '--quiet', 'MERGE_HEAD'), 'no merge left half-done');
    assert.equal(h.of('task.routed').filter((e) => e.data.taskId === 'resolve-tester-1').length, 1, 'no fallback takes a resolution over');
  });

  it('after a pause in the middle of a wave, the interrupted task goes on and the resolution runs in the next wave', async () => {
    let inFlight!: () => void;
    const hanging = new Promise<void>((resolve) => (inFlight = resolve));
    const fixed = plan.tasks.map((t) => (t.id === 't3' ? { ...t, files: ['c.txt'] } : t));
    server = await startFakeOpenAI({
      rules: [{
        name: 'coder\'s t3 hangs once, until the user pauses the workflow',
        match: (req) => conversation(req).system.startsWith('Baton agent coder') && conversation(req).user.startsWith('Your task t3'),
        reply: () => { inFlight(); return { fault: { kind: 'hang' } }; },
        times: 1,
      }],
      fallback: scriptedTeam({ ...plan, tasks: fixed }, routing, {
        coder: { work: (t) => write(t === 't3' ? 'c.txt' : 'a.txt', t === 't3' ? 'c\n' : 'forty-two\n') },
        tester: { work: (t) => write('a.txt', t === 'resolve-tester-1' ? 'forty-two (quarante-deux)\n' : 'quarante-deux\n') },
      }),
    });
    const repo = makeRepo({ 'a.txt': '42\n' });
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('answer twice');
    const running = h.engine.run(id);
    await hanging;
    h.engine.cancel(id);
    assert.equal((await running).status, 'cancelled');
    await server.waitForIdle();

    await h.engine.askToResolve(id, { path: 'a.txt', agent: 'tester', other: 'coder' });
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const started = h.of('agent.started').map((e) => e.data.taskId);
    assert.deepEqual(started.slice(-2).sort(), ['resolve-tester-1', 't3'], 'both ran after the pause');
    assert.equal(git(repo, 'show', `baton/${id}/tester:a.txt`), 'forty-two (quarante-deux)');
    assert.equal(git(repo, 'show', `baton/${id}/coder:c.txt`), 'c');
    git(repo, 'merge-base', '--is-ancestor', `baton/${id}/coder~1`, `baton/${id}/tester`);
    await assert.rejects(h.engine.askToResolve(id, { path: 'a.txt', agent: 'coder', other: 'tester' }), /has ended: its agents take no more work/);
  });

  it('refuses clearly: while the workflow runs, an agent outside the team, a missing branch, a path outside the repository', async () => {
    const { h, id } = await conflicted({ work: () => write('a.txt', 'quarante-deux\n') });
    await h.records.update(id, { runnerPid: process.ppid });
    await assert.rejects(h.engine.askToResolve(id, { path: 'a.txt', agent: 'tester', other: 'coder' }), (e: Error & { fix?: string }) => /is running: tester may be in the middle of a task/.test(e.message) && /Pause the workflow/.test(e.fix ?? ''));
    await h.records.update(id, { runnerPid: undefined });
    await assert.rejects(h.engine.askToResolve(id, { path: 'a.txt', agent: 'nobody', other: 'coder' }), /nobody is not in the team/);
    await assert.rejects(h.engine.askToResolve(id, { path: 'a.txt', agent: 'reviewer', other: 'coder' }), /Branch baton\/.+\/reviewer does not exist/);
    await assert.rejects(h.engine.askToResolve(id, { path: '../a.txt', agent: 'tester', other: 'coder' }), /not a file path inside the repository/);
    await assert.rejects(h.engine.askToResolve(id, { path: 'a.txt', agent: 'tester', other: 'tester' }), /name an agent of the workflow and the other side/);
  });
});
