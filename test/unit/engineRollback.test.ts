import assert from 'node:assert/strict';
import { BatonError } from '../../src/core/errors';
import { makeEngine, scriptedTeam } from '../support/engineHarness';
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

    const rolled = await h.engine.rollback(id, 1);
    assert.deepEqual(rolled, { snapshot: 1, branches: [branch] });
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
    await assert.rejects(h.engine.rollback(id, 42), (e: unknown) => e instanceof BatonError && /has no snapshot 42\. Its snapshots: 1, 2/.test(e.describe()));
  });
});
