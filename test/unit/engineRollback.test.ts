import assert from 'node:assert/strict';
import { BatonError } from '../../src/core/errors';
import { makeEngine, requestsTo, scriptedTeam } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { git, makeRepo } from '../support/repoBuilder';

const plan = { rationale: 'code, then a dependency', tasks: [
  { id: 't1', title: 'Add greet', description: 'src/greet.js', capabilities: ['implement'], dependsOn: [], files: ['src/greet.js'], risks: [] },
  { id: 't2', title: 'Add a dependency', description: 'package.json', capabilities: ['implement'], dependsOn: ['t1'], files: ['package.json'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
  { taskId: 't2', agentId: 'coder', rationale: 'owns the manifest', confidence: 1 },
] };

describe('engine: rollback to a snapshot (graph state and branches together)', () => {
  let server: FakeOpenAI;
  before(async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: t === 't1' ? { path: 'src/greet.js', content: 'export const greet = 1;\n' } : { path: 'package.json', content: '{"name":"x"}\n' } }] },
    }) });
  });
  after(() => server.close());

  it('moves every agent branch back, keeps the abandoned heads, rewinds the graph, and the workflow goes on from there', async () => {
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet and a dependency');
    assert.equal((await h.engine.run(id)).status, 'waiting');
    const branch = `baton/${id}/coder`;
    const before = git(repo, 'rev-parse', branch);
    assert.equal(git(repo, 'log', '--format=%s', branch).split('\n').length, 3, 'initial + t1 + t2');

    const rolled = await h.engine.rollback(id, { level: 'snapshot', snapshot: 1 });
    assert.equal(rolled.level, 'snapshot');
    assert.equal(rolled.snapshot, 1);
    assert.deepEqual(rolled.branches, [branch]);
    assert.equal(git(repo, 'rev-parse', branch), git(repo, 'rev-parse', 'main'), 'back at the base, as before wave 1');
    const trash = git(repo, 'for-each-ref', '--format=%(objectname)', `refs/baton/trash/${id}/`);
    assert.ok(trash.split('\n').includes(before), 'the abandoned head stays reachable');
    assert.equal((await h.engine.status(id)).status, 'paused');
    assert.deepEqual(await h.engine.pendingApprovals(id), [], 'the graph is back before the approval too');
    assert.equal(h.of('rollback.done').at(-1)?.data.toSnapshot, 1);
    assert.deepEqual(git(repo, 'log', '--format=%s', 'main').split('\n'), ['initial commit'], 'the user\'s branch is untouched');

    // It goes on from the snapshot: the agents redo the work, the approval is asked again.
    const again = await h.engine.run(id);
    assert.equal(again.status, 'waiting');
    await h.engine.decide(id, undefined, 'approve');
    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.match(git(repo, 'log', '--format=%s', branch), /Add a dependency \(t2, round 1\)/);
  });

  it('says which snapshots exist when asked for one that does not', async () => {
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet and a dependency');
    await h.engine.run(id);
    await assert.rejects(h.engine.rollback(id, { level: 'snapshot', snapshot: 42 }), (e: unknown) => e instanceof BatonError && /has no snapshot 42\. Its snapshots: 1, 2/.test(e.describe()));
  });
});

// Two tasks in a row on the coder's branch, with no approval in the way.
const plainPlan = { rationale: 'two steps', tasks: [
  { id: 't1', title: 'Add greet', description: 'src/greet.js', capabilities: ['implement'], dependsOn: [], files: ['src/greet.js'], risks: [] },
  { id: 't2', title: 'Add wave', description: 'src/wave.js', capabilities: ['implement'], dependsOn: ['t1'], files: ['src/wave.js'], risks: [] },
] };

describe('engine: rollback of one step, to a checkpoint, and a restart', () => {
  let server: FakeOpenAI;
  before(async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plainPlan, routing, {
      coder: { work: (t) => [{ name: 'write_file', args: t === 't1' ? { path: 'src/greet.js', content: 'export const greet = 1;\n' } : { path: 'src/wave.js', content: 'export const wave = 2;\n' } }] },
    }) });
  });
  after(() => server.close());

  async function completed() {
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add greet, then wave');
    assert.equal((await h.engine.run(id)).status, 'completed');
    const branch = `baton/${id}/coder`;
    return { repo, h, id, branch, subjects: () => git(repo, 'log', '--format=%s', branch).split('\n') };
  }
  const trashed = (repo: string, id: string) => git(repo, 'for-each-ref', '--format=%(objectname)', `refs/baton/trash/${id}/`).split('\n').filter(Boolean);
  const runs = (h: Awaited<ReturnType<typeof makeEngine>>, taskId: string) => h.of('agent.started').filter((e) => e.data.taskId === taskId).length;

  it('retries one step: its commit is taken off the branch (kept in the trash), and only that task runs again', async () => {
    const { repo, h, id, branch, subjects } = await completed();
    const t2Commit = git(repo, 'rev-parse', branch);
    const t1Commit = git(repo, 'rev-parse', `${branch}~1`);

    await assert.rejects(h.engine.rollback(id, { level: 'step', taskId: 't1' }), (e: unknown) => e instanceof BatonError && /Later tasks \(t2\) already build on t1/.test(e.message) && /--list/.test(e.describe()));
    assert.equal(git(repo, 'rev-parse', branch), t2Commit, 'a refused rollback moves nothing');
    await assert.rejects(h.engine.rollback(id, { level: 'step', taskId: 't9' }), (e: unknown) => e instanceof BatonError && /has no task "t9"\. Its tasks: t1, t2/.test(e.describe()));

    const rolled = await h.engine.rollback(id, { level: 'step', taskId: 't2' });
    assert.deepEqual([rolled.level, rolled.tasks, rolled.branches], ['step', ['t2'], [branch]]);
    assert.equal(git(repo, 'rev-parse', branch), t1Commit, 'the branch is back where t2 started');
    assert.ok(trashed(repo, id).includes(t2Commit), 't2\'s first commit stays reachable');
    assert.equal((await h.engine.status(id)).status, 'paused');
    assert.deepEqual(h.of('rollback.done').at(-1)?.data.tasks, ['t2']);

    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.deepEqual([runs(h, 't1'), runs(h, 't2')], [1, 2], 't1 is not repeated');
    assert.deepEqual(subjects().filter((s) => s !== 'initial commit'), ['Add wave (t2, round 1)', 'Add greet (t1, round 1)']);
    assert.equal(git(repo, 'rev-parse', `${branch}~1`), t1Commit, 't1\'s commit is the same one');
  });

  it('goes back to a checkpoint of the graph\'s history, with the branch as that checkpoint knew it', async () => {
    const { repo, h, id, branch, subjects } = await completed();
    const t1Commit = git(repo, 'rev-parse', `${branch}~1`);
    const history = await h.engine.checkpoints(id);
    assert.ok(history.length > 4, `a few checkpoints: ${history.length}`);
    const afterT1 = history.find((c) => c.finished.includes('t1') && !c.finished.includes('t2'));
    assert.ok(afterT1, JSON.stringify(history));

    const rolled = await h.engine.rollback(id, { level: 'checkpoint', checkpointId: afterT1.checkpointId });
    assert.equal(rolled.checkpointId, afterT1.checkpointId);
    assert.equal(git(repo, 'rev-parse', branch), t1Commit, 'the coder\'s branch as it was after t1');
    await assert.rejects(h.engine.rollback(id, { level: 'checkpoint', checkpointId: 'no-such-checkpoint' }), /has no checkpoint no-such-checkpoint/);

    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.deepEqual([runs(h, 't1'), runs(h, 't2')], [1, 2]);
    assert.equal(subjects().filter((s) => s !== 'initial commit').length, 2, 'no commit repeated on the branch');
  });

  it('restarts from the beginning: every branch back to the base, and the workflow plans again', async () => {
    const { repo, h, id, branch, subjects } = await completed();
    const head = git(repo, 'rev-parse', branch);
    const analyzed = requestsTo(server, 'Baton analyze').length;
    const rolled = await h.engine.rollback(id, { level: 'restart' });
    assert.equal(rolled.level, 'restart');
    assert.equal(git(repo, 'rev-parse', branch), git(repo, 'rev-parse', 'main'));
    assert.ok(trashed(repo, id).includes(head));
    assert.deepEqual(git(repo, 'log', '--format=%s', 'main').split('\n'), ['initial commit'], 'the user\'s branch is untouched');

    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.equal(requestsTo(server, 'Baton analyze').length, analyzed + 1, 'it planned again');
    assert.deepEqual([runs(h, 't1'), runs(h, 't2')], [2, 2]);
    assert.equal(subjects().filter((s) => s !== 'initial commit').length, 2);
  });

  it('works after the workflow ended and its branches were removed: they come back from refs/baton/trash/<id>/ended/', async () => {
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { keepWorktrees: false });
    const id = await h.engine.start('add greet, then wave');
    assert.equal((await h.engine.run(id)).status, 'completed');
    const branch = `baton/${id}/coder`;
    assert.equal(git(repo, 'branch', '--list', branch), '', 'removed when the workflow ended');
    const t1Commit = git(repo, 'rev-parse', `refs/baton/trash/${id}/ended/coder~1`);

    const rolled = await h.engine.rollback(id, { level: 'step', taskId: 't2' });
    assert.deepEqual(rolled.tasks, ['t2']);
    assert.equal(git(repo, 'rev-parse', branch), t1Commit, 'the branch is back, where t2 started');
    assert.equal((await h.engine.run(id)).status, 'completed');
    assert.deepEqual([runs(h, 't1'), runs(h, 't2')], [1, 2]);

    await h.engine.rollback(id, { level: 'restart' });
    assert.equal(git(repo, 'rev-parse', branch), git(repo, 'rev-parse', 'main'), 'a restart brings the removed branch back at the base');
  });
});

