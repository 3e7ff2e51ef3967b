import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript, Harness } from '../support/engineHarness';
import { git, makeRepo } from '../support/repoBuilder';

// Approvals: what the user sees when a step is risky, and what their decision does to the work.

const task = (id: string, capabilities: string[], extra: Record<string, unknown> = {}) => ({
  id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [], ...extra,
});
const route = (...pairs: [string, string][]) => ({ assignments: pairs.map(([taskId, agentId]) => ({ taskId, agentId, rationale: `${agentId} fits`, confidence: 0.9 })) });
const write = (path: string, content: string): AgentScript => ({ work: () => [{ name: 'write_file', args: { path, content } }] });
const pkg = '{ "name": "sample", "dependencies": { "left-pad": "1.3.0" } }\n';

// t1 adds a dependency (the "dependencies" trigger after it runs); t2 documents it and depends on t1.
const depPlan = { rationale: 'add the dependency, then document it', tasks: [task('t1', ['implement'], { files: ['package.json'] }), task('t2', ['docs'], { dependsOn: ['t1'], files: ['README.md'] })] };
const depRouting = route(['t1', 'coder'], ['t2', 'documenter']);
const depAgents = { coder: write('package.json', pkg), documenter: write('README.md', '# sample\nuses left-pad\n') };

const started = (h: Harness) => h.of('agent.started').map((e) => e.data.taskId);

describe('engine: approvals', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('stops after a change to package.json, and goes on when the user approves', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(depPlan, depRouting, depAgents) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add left-pad and document it');

    const first = await h.engine.run(id);
    assert.equal(first.status, 'waiting', JSON.stringify(first));
    assert.ok(first.status === 'waiting');
    assert.deepEqual(first.approvals.map((a) => [a.taskId, a.trigger]), [['t1', 'dependencies']]);
    assert.match(first.approvals[0]!.reason, /package\.json/);
    assert.deepEqual(h.of('approval.requested').map((e) => e.data.approvalId), [first.approvals[0]!.approvalId]);
    assert.equal(h.of('workflow.paused')[0]?.data.reason, 'approval');
    assert.deepEqual(started(h), ['t1'], 't2 waits for t1 to be approved');
    assert.equal((await h.engine.status(id)).status, 'waiting');

    await h.engine.decide(id, first.approvals[0]!.approvalId, 'approve');
    const second = await h.engine.run(id);
    assert.equal(second.status, 'completed', JSON.stringify(second));
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.decision, e.data.by]), [['approve', 'user']]);
    assert.deepEqual(started(h), ['t1', 't2']);
    assert.match(commitsOn(repo, `baton/${id}/coder`)[0]!, /Task t1 \(t1, round 1\)/);
  });

  it('a rejected change ends the task as rejected, skips what depends on it, and completes the workflow', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(depPlan, depRouting, depAgents) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add left-pad and document it');
    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting');
    await h.engine.decide(id, undefined, 'reject', 'no new dependencies');

    const end = await h.engine.run(id);
    // A rejection is the user's decision, not a failure: the workflow completes and says what was not done.
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.ok(end.status === 'completed');
    assert.match(end.summary, /t1 .* rejected/);
    assert.match(end.summary, /t2 .* skipped/);
    assert.deepEqual(started(h), ['t1'], 'the documenter never ran');
    assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.decision, e.data.reason]), [['reject', 'no new dependencies']]);
    assert.equal(h.of('workflow.completed').length, 1);
    assert.equal(h.of('workflow.failed').length, 0);
    // Nothing reached the user's branch, and the rejected commit left the coder's branch (kept in the trash).
    assert.deepEqual(commitsOn(repo, 'main'), ['initial commit']);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['initial commit']);
    assert.match(git(repo, 'log', '--format=%s', '-n', '1', `refs/baton/trash/${id}/t1-coder`), /Task t1/);
  });

  it('asks before running a task the plan marked as a deployment risk, and only once', async () => {
    const plan = { rationale: 'ship it', tasks: [task('t1', ['implement'], { risks: ['deployment'], files: ['Dockerfile'] })] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, route(['t1', 'coder']), { coder: write('Dockerfile', 'FROM node:24\n') }) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('add a Dockerfile');

    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.deepEqual(first.approvals.map((a) => [a.approvalId, a.trigger]), [['t1-before', 'deployment']]);
    assert.equal(h.of('agent.started').length, 0, 'nothing runs before the approval');
    assert.equal(server.chatRequests.filter((r) => JSON.stringify(r.body.messages).includes('Baton agent coder')).length, 0);

    await h.engine.decide(id, 't1-before', 'approve');
    const end = await h.engine.run(id);
    // The Dockerfile it then writes is the deployment change already approved: no second question.
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(started(h), ['t1']);
    assert.equal(h.of('approval.requested').length, 1);
  });

  it('two parallel tasks needing approval wait together and are decided one at a time', async () => {
    const plan = { rationale: 'two manifests', tasks: [task('t1', ['implement'], { files: ['package.json'] }), task('t2', ['test'], { files: ['requirements.txt'] })] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, route(['t1', 'coder'], ['t2', 'tester']), { coder: write('package.json', pkg), tester: write('requirements.txt', 'pytest==8.0\n') }) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('pin test dependencies');

    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.deepEqual(first.approvals.map((a) => a.taskId).sort(), ['t1', 't2']);
    const [a1, a2] = ['t1', 't2'].map((t) => first.approvals.find((a) => a.taskId === t)!.approvalId);

    await h.engine.decide(id, a1, 'approve');
    const middle = await h.engine.run(id);
    assert.ok(middle.status === 'waiting', JSON.stringify(middle));
    assert.deepEqual(middle.approvals.map((a) => a.approvalId), [a2]);
    assert.deepEqual((await h.engine.pendingApprovals(id)).map((a) => a.approvalId), [a2]);

    await h.engine.decide(id, a2, 'approve');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('approval.resolved').map((e) => e.data.approvalId), [a1, a2]);
    // Each question is asked once, however many times the workflow stopped.
    assert.deepEqual(h.of('approval.requested').map((e) => e.data.approvalId).sort(), [a1, a2].sort());
    assert.equal(h.of('agent.started').length, 2, 'approving one task does not run any task again');
  });

  it('an agent whose change awaits a decision starts nothing else, and after a rejection works from a clean branch', async () => {
    const plan = { rationale: 'two for the coder', tasks: [task('t1', ['implement'], { files: ['package.json'] }), task('t2', ['implement'], { files: ['src/b.ts'] })] };
    const coder: AgentScript = { work: (t) => [t === 't1' ? { name: 'write_file', args: { path: 'package.json', content: pkg } } : { name: 'write_file', args: { path: 'src/b.ts', content: 'export {};\n' } }] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, route(['t1', 'coder'], ['t2', 'coder']), { coder }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('two changes');
    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.deepEqual(started(h), ['t1'], 't2 waits: it would build on the change being decided');

    await h.engine.decide(id, undefined, 'reject');
    const end = await h.engine.run(id);
    // A person took t1 out: the workflow completes, and says what was done and what not.
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.ok(end.status === 'completed' && end.summary.startsWith('1 of 2 tasks done, 1 taken out by you (t1)'), end.status === 'completed' ? end.summary : '');
    assert.deepEqual((await h.engine.status(id)).progress, { done: 1, failed: 0, notRun: 1, total: 2 });
    assert.deepEqual(h.of('workflow.completed').map((e) => [e.data.tasksCompleted, e.data.tasksNotRun]), [[1, 1]]);
    assert.deepEqual(started(h), ['t1', 't2']);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Task t2 (t2, round 1)', 'initial commit'], 't2 does not carry the rejected change');
    assert.ok(!git(repo, 'ls-tree', '-r', '--name-only', `baton/${id}/coder`).includes('package.json'));
  });

  for (const [mode, decision] of [['auto', 'approve'], ['never', 'reject']] as const) {
    it(`approvals.mode ${mode} decides by policy (${decision}) without stopping`, async () => {
      server = await startFakeOpenAI({ fallback: scriptedTeam(depPlan, depRouting, depAgents) });
      const repo = makeRepo();
      const h = await makeEngine(repo, server, { approvalMode: mode });
      const id = await h.engine.start('add left-pad and document it');
      const end = await h.engine.run(id);
      // A policy's rejection is not a person taking the task out: the work was not done, so it did not complete.
      if (decision === 'approve') assert.equal(end.status, 'completed', JSON.stringify(end));
      else {
        assert.ok(end.status === 'failed' && /2 task\(s\) not run: t1 \(its change was rejected by the approval policy\); t2 \(it depends on t1, which did not complete\)/.test(end.error), JSON.stringify(end));
        assert.deepEqual((await h.engine.status(id)).progress, { done: 0, failed: 0, notRun: 2, total: 2 });
        assert.deepEqual(h.of('workflow.failed').map((e) => [e.data.tasksCompleted, e.data.tasksFailed, e.data.tasksNotRun]), [[0, 0, 2]]);
        assert.equal(h.of('workflow.completed').length, 0);
      }
      assert.equal(h.of('workflow.paused').length, 0);
      assert.deepEqual(h.of('approval.requested').map((e) => e.data.trigger), ['dependencies']);
      assert.deepEqual(h.of('approval.resolved').map((e) => [e.data.decision, e.data.by]), [[decision, 'policy']]);
      assert.deepEqual(started(h), decision === 'approve' ? ['t1', 't2'] : ['t1']);
      const ref = commitsOn(repo, `baton/${id}/coder`);
      assert.equal(ref.length, decision === 'approve' ? 2 : 1, ref.join(' | '));
    });
  }
});
