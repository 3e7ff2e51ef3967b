import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, makeEngine, scriptedTeam } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

const plan = {
  rationale: 'implement, then document',
  tasks: [
    { id: 't1', title: 'Add a greet function', description: 'src/greet.ts exports greet(name)', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] },
    { id: 't2', title: 'Add tests', description: 'tests for greet', capabilities: ['test'], dependsOn: [], files: ['test/greet.test.ts'], risks: [] },
    { id: 't3', title: 'Document greet', description: 'README section', capabilities: ['docs'], dependsOn: ['t1'], files: ['README.md'], risks: [] },
  ],
};
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'coder implements', confidence: 0.9 },
  { taskId: 't2', agentId: 'tester', rationale: 'tester writes tests', confidence: 0.9 },
  { taskId: 't3', agentId: 'documenter', rationale: 'documenter writes docs', confidence: 0.9 },
] };
const write = (path: string, content: string) => [{ name: 'write_file', args: { path, content } }];

describe('engine: a centralized workflow end to end', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('plans, routes, runs independent tasks in parallel on their own branches, reviews and completes', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/greet.ts', 'export const greet = (n: string) => `hi ${n}`;\n') },
      tester: { work: () => write('test/greet.test.ts', '// greet tests\n') },
      documenter: { work: () => write('README.md', '# sample\n\n## greet\n') },
    }) });
    const repo = makeRepo();
    git(repo, 'status', '--porcelain');
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add a greet function with tests and docs');
    const outcome = await h.engine.run(id);
    assert.equal(outcome.status, 'completed', JSON.stringify(outcome));

    assert.deepEqual(h.of('plan.created')[0]?.data.tasks.map((t) => t.id), ['t1', 't2', 't3']);
    assert.deepEqual(h.of('task.routed').map((e) => [e.data.taskId, e.data.agentId]), [['t1', 'coder'], ['t2', 'tester'], ['t3', 'documenter']]);
    // t1 and t2 are independent: both start before either finishes.
    const order = h.events.filter((e) => e.type === 'agent.started' || e.type === 'agent.finished').map((e) => `${e.type === 'agent.started' ? '+' : '-'}${(e.data as { taskId: string }).taskId}`);
    assert.deepEqual(order.slice(0, 2).sort(), ['+t1', '+t2'], order.join(' '));
    assert.ok(order.indexOf('+t3') > order.indexOf('-t1'), 't3 waits for t1');

    // Each agent committed on its own branch; the user's branch and working tree are untouched.
    assert.match(commitsOn(repo, `baton/${id}/coder`)[0]!, /Add a greet function \(t1, round 1\)/);
    assert.equal(readFileSync(join(repo, '.git', 'baton', 'worktrees', id, 'coder', 'src', 'greet.ts'), 'utf8').includes('greet'), true);
    assert.deepEqual(commitsOn(repo, 'main'), ['initial commit']);
    // t3 builds on t1: the documenter's branch has the coder's commit merged in.
    assert.ok(existsSync(join(repo, '.git', 'baton', 'worktrees', id, 'documenter', 'src', 'greet.ts')), 'upstream work reaches the dependent task');
    assert.equal(git(repo, 'status', '--porcelain'), '');
    assert.equal(h.of('review.verdict').length, 3 * 2 - 1, 'reviewer and tester check each task, but the tester does not check itself');
    assert.equal(h.of('workflow.completed').length, 1);
    // Before each wave, a snapshot of every agent branch head with its graph checkpoint.
    const snapshots = h.of('snapshot.created');
    assert.ok(snapshots.length >= 2, `${snapshots.length} snapshots`);
    assert.deepEqual(snapshots.map((e) => e.data.snapshot), snapshots.map((_, i) => i + 1));
    const last = snapshots.at(-1)!.data;
    assert.equal(git(repo, 'rev-parse', last.ref), last.sha);
    const record = JSON.parse(git(repo, 'log', '-1', '--format=%b', last.sha)) as { heads: Record<string, string>; checkpointId: string | null };
    assert.equal(record.heads[`baton/${id}/coder`], git(repo, 'rev-parse', `baton/${id}/coder`));
    assert.ok(record.checkpointId, 'the snapshot names the graph checkpoint');
    assert.ok(h.of('cost.recorded').length > 0);
    assert.deepEqual((await h.engine.status(id)).progress, { done: 3, failed: 0, notRun: 0, total: 3 });
  });

  it('a run killed after its last checkpoint but before recording its end is completed by resume, not reported failed', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {
      coder: { work: () => write('src/greet.ts', 'export const greet = 1;\n') },
      tester: { work: () => write('test/greet.test.ts', '// t\n') },
      documenter: { work: () => write('README.md', '# d\n') },
    }) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('add greet');
    assert.equal((await h.engine.run(id)).status, 'completed');
    // What a kill -9 between the graph's final checkpoint and the record's update leaves behind.
    await h.records.update(id, { status: 'running', summary: undefined, runnerPid: 999_999_999 });
    const before = h.of('workflow.completed').length;
    const again = await h.engine.run(id);
    assert.equal(again.status, 'completed', JSON.stringify(again));
    assert.equal((await h.records.get(id))?.status, 'completed');
    assert.equal(h.of('workflow.completed').length, before + 1, 'the end is announced once more, for the process that missed it');
  });
});

describe('engine: conflicts predicted while agents work', () => {
  it('announces a textual conflict between two agents\' branches after their commits', async () => {
    const clash = {
      rationale: 'two agents, one file',
      tasks: [
        { id: 't1', title: 'Greet in English', description: 'src/greet.ts', capabilities: ['implement'], dependsOn: [], files: ['src/greet.ts'], risks: [] },
        { id: 't2', title: 'Greet in French', description: 'src/greet.ts too', capabilities: ['test'], dependsOn: [], files: ['src/other.ts'], risks: [] },
      ],
    };
    const route = { assignments: [
      { taskId: 't1', agentId: 'coder', rationale: 'implements', confidence: 1 },
      { taskId: 't2', agentId: 'tester', rationale: 'happens to touch the same file', confidence: 1 },
    ] };
    const server = await startFakeOpenAI({ fallback: scriptedTeam(clash, route, {
      coder: { work: () => write('src/greet.ts', 'export const greet = "hello";\n') },
      tester: { work: () => write('src/greet.ts', 'export const greet = "bonjour";\n') },
    }) });
    try {
      const repo = makeRepo({ 'src/greet.ts': 'export const greet = "hi";\n' });
      const h = await makeEngine(repo, server);
      const id = await h.engine.start('greet in two languages');
      assert.equal((await h.engine.run(id)).status, 'completed');
      await h.engine.conflictsSettled(id);
      // Predicted while the agents work, then confirmed by the integration, which leaves tester's branch
      // out; the user is told once, not twice.
      const detected = h.of('conflict.detected');
      const predicted = detected.filter((e) => e.data.description?.startsWith('Merging'));
      assert.equal(predicted.length, 1, JSON.stringify(detected.map((e) => e.data)));
      assert.equal(predicted[0]!.data.kind, 'textual');
      assert.deepEqual([...predicted[0]!.data.branches].sort(), [`baton/${id}/coder`, `baton/${id}/tester`]);
      assert.deepEqual(predicted[0]!.data.files.map((f) => [f.path, f.ranges.map((r) => [r.startLine, r.endLine])]), [['src/greet.ts', [[1, 1], [1, 1]]]]);
      assert.equal(detected.length, 1, `the integration does not announce the same conflict again: ${JSON.stringify(detected.map((e) => e.data))}`);
      const integrated = (await h.engine.integration(id))?.conflicts ?? [];
      assert.equal(integrated.length, 1, JSON.stringify(integrated));
      assert.deepEqual(integrated[0]!.branches, [`baton/${id}/tester`, `baton/${id}/coder`]);
      assert.match(integrated[0]!.description, /tester's work .* does not merge with coder/);
    } finally {
      await server.close();
    }
  });
});
