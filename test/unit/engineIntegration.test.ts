import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { makeEngine, scriptedTeam, teamWith, trustedRequests } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

// Integration: when the agents are done, their branches are merged into baton/<id>/integration and the
// project's check runs there; an agent whose work breaks it is named and asked to fix it on its branch.

const plan = {
  rationale: 'two independent changes',
  tasks: [
    { id: 't1', title: 'Add a', description: 'src/a.txt', capabilities: ['implement'], dependsOn: [], files: ['src/a.txt'], risks: [] },
    { id: 't2', title: 'Add b', description: 'src/b.txt', capabilities: ['test'], dependsOn: [], files: ['src/b.txt'], risks: [] },
  ],
};
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'tests', confidence: 1 },
] };
const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];

describe('engine: integration and the project\'s check', () => {
  let server: FakeOpenAI | undefined;
  afterEach(() => server?.close());

  it('names the agent whose branch breaks the check, has it fix the break on its branch, and integrates again', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: (taskId) => write('src/a.txt', taskId.startsWith('fix-') ? 'fine\n' : 'BROKEN\n') },
      tester: { work: () => write('src/b.txt', 'fine\n') },
    }) });
    const repo = makeRepo({ 'src/keep.txt': 'base\n' });
    // The repository's check, which the user trusted: it runs with the repository's limits.
    const team = teamWith({ check: { command: '! grep -rq BROKEN src', timeoutSeconds: 60, fixRounds: 1 } });
    const h = await makeEngine(repo, server, { team, repoTrust: await trustedRequests(repo, team) });
    const id = await h.engine.start('add a and b');
    const outcome = await h.engine.run(id);
    assert.equal(outcome.status, 'completed', JSON.stringify(outcome));

    const semantic = h.of('conflict.detected').filter((e) => e.data.kind === 'semantic');
    assert.equal(semantic.length, 1, JSON.stringify(semantic.map((e) => e.data)));
    assert.deepEqual(semantic[0]!.data.branches, [`baton/${id}/coder`, `baton/${id}/integration`]);
    assert.match(semantic[0]!.data.description ?? '', /coder's work .* breaks `! grep -rq BROKEN src`, even merged alone/);
    assert.deepEqual(semantic[0]!.data.files.map((f) => f.path), ['src/a.txt']);
    assert.deepEqual(semantic[0]!.data.files[0]!.ranges.map((r) => r.branch), [`baton/${id}/coder`], 'the editor can mark the lines coder changed');

    const fix = h.of('task.routed').find((e) => e.data.strategy === 'integration');
    assert.equal(fix?.data.agentId, 'coder');
    assert.ok(h.of('agent.committed').some((e) => e.data.taskId === fix?.data.taskId && e.data.branch === `baton/${id}/coder`), 'the fix is committed on coder\'s branch');
    assert.deepEqual(h.of('conflict.resolved').filter((e) => e.data.id === semantic[0]!.data.id).map((e) => e.data.how), ['agent']);

    const integration = await h.engine.integration(id);
    assert.equal(integration?.check?.ok, true, JSON.stringify(integration));
    assert.equal(integration?.round, 2);
    assert.deepEqual(integration?.merged, [`baton/${id}/coder`, `baton/${id}/tester`]);
    assert.deepEqual(integration?.files, ['src/a.txt', 'src/b.txt']);
  });

  it('reports a semantic conflict between agents whose work passes alone but fails together, without a fix round', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/a.txt', 'a\n') },
      tester: { work: () => write('src/b.txt', 'b\n') },
    }) });
    const repo = makeRepo({ 'src/keep.txt': 'base\n' });
    const h = await makeEngine(repo, server, { checkCommand: '! (test -f src/a.txt && test -f src/b.txt)' });
    const id = await h.engine.start('add a and b');
    const outcome = await h.engine.run(id);
    assert.equal(outcome.status, 'completed', JSON.stringify(outcome));
    const semantic = h.of('conflict.detected').filter((e) => e.data.kind === 'semantic');
    assert.equal(semantic.length, 1);
    assert.deepEqual(semantic[0]!.data.branches, [`baton/${id}/coder`, `baton/${id}/tester`]);
    assert.match(semantic[0]!.data.description ?? '', /Each of coder, tester passes .* alone, but their work together fails it/);
    assert.equal(h.of('task.routed').filter((e) => e.data.strategy === 'integration').length, 0, 'a combination is the user\'s to decide');
    const integration = await h.engine.integration(id);
    assert.equal(integration?.check?.ok, false);
    assert.deepEqual(integration?.conflicts.map((c) => c.agents), [['coder', 'tester']]);
    assert.match(outcome.status === 'completed' ? outcome.summary : '', /The check failed: `! \(test -f src\/a.txt && test -f src\/b.txt\)` exited with code 1/);
    assert.deepEqual(h.of('conflict.resolved').map((e) => e.data.id), [], 'kept branches keep their conflicts');
  });

  it('clears the conflicts of a workflow whose branches were removed, so the editor stops marking them', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/a.txt', 'a\n') },
      tester: { work: () => write('src/b.txt', 'b\n') },
    }) });
    const repo = makeRepo({ 'src/keep.txt': 'base\n' });
    const h = await makeEngine(repo, server, { checkCommand: '! (test -f src/a.txt && test -f src/b.txt)', keepWorktrees: false });
    const id = await h.engine.start('add a and b');
    assert.equal((await h.engine.run(id)).status, 'completed');
    const detected = h.of('conflict.detected').map((e) => e.data.id);
    assert.equal(detected.length, 1);
    assert.deepEqual(h.of('conflict.resolved').map((e) => [e.data.id, e.data.how]), [[detected[0], 'obsolete']]);
  });

  it('does not blame anyone for a check that already fails on the base commit', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/a.txt', 'a\n') },
      tester: { work: () => write('src/b.txt', 'b\n') },
    }) });
    const repo = makeRepo({ 'src/keep.txt': 'base\n' });
    const h = await makeEngine(repo, server, { checkCommand: 'exit 3' });
    const id = await h.engine.start('add a and b');
    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.equal(h.of('conflict.detected').filter((e) => e.data.kind === 'semantic').length, 0);
    const integration = await h.engine.integration(id);
    assert.match(integration?.check?.detail ?? '', /exited with code 3[\s\S]*it fails on the base commit too/);
  });

  it('integrates again after a step is retried, and asks about merging the new result again', async () => {
    let version = 1;
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/a.txt', `a${version}\n`) },
      tester: { work: () => write('src/b.txt', 'b\n') },
    }) });
    const repo = makeRepo({ 'src/keep.txt': 'base\n' });
    const h = await makeEngine(repo, server, { mergeOnApproval: true, approvalMode: 'never' });
    const id = await h.engine.start('add a and b');
    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.equal(git(repo, 'show', `${(await h.engine.integration(id))!.head}:src/a.txt`), 'a1');

    version = 2;
    await h.engine.rollback(id, { level: 'step', taskId: 't1' });
    assert.equal((await h.engine.run(id)).status, 'completed');
    const integration = await h.engine.integration(id);
    assert.equal(integration?.round, 2);
    assert.equal(git(repo, 'show', `${integration!.head}:src/a.txt`), 'a2');
    assert.deepEqual(h.of('approval.requested').map((e) => e.data.approvalId), ['merge', 'merge'], 'the new result is asked about again, not decided by the old answer');
    assert.equal(existsSync(join(repo, 'src/a.txt')), false, 'rejected twice: nothing landed');
  });
});
