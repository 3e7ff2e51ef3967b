import assert from 'node:assert/strict';
import { MemorySaver } from '@langchain/langgraph';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { ChatRequest, FakeOpenAI } from '../support/fakeOpenAI';
import { allText, commitsOn, conversation, makeEngine, requestsTo, routeByCapability, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// Hierarchical mode: an epic goes to a sub-orchestrator, which plans it again for a sub-team; the
// sub-workflow's results roll up into the epic; nesting stops at limits.maxDepth.

const task = (id: string, capabilities: string[], extra: Record<string, unknown> = {}) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [], ...extra });
const top = { rationale: 'an epic, then docs', tasks: [task('t1', ['implement'], { epic: true, title: 'Build the greeting feature' }), task('t2', ['docs'], { dependsOn: ['t1'] })] };
const sub = { rationale: 'code, then tests', tasks: [task('s1', ['implement']), task('s2', ['test'], { dependsOn: ['s1'] })] };
const byEpic = (req: ChatRequest) => (conversation(req).system.includes('sub-orchestrator') ? sub : top);
const write = (path: string, content = 'export {};\n'): AgentScript => ({ work: (t) => [{ name: 'write_file', args: { path, content: `// ${t}\n${content}` } }] });
const agents = { coder: write('src/greet.ts'), tester: write('test/greet.test.ts'), documenter: write('README.md') };
const started = (h: { of: (t: 'agent.started') => { agent: string; data: { taskId: string } }[] }) => h.of('agent.started').map((e) => `${e.data.taskId}:${e.agent}`);

describe('engine: hierarchical mode', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('hands an epic to a sub-orchestrator whose results roll up into the epic', async () => {
    const team = teamWith();
    server = await startFakeOpenAI({ fallback: scriptedTeam(byEpic, routeByCapability(team), agents) });
    const repo = makeRepo();
    const checkpointer = new MemorySaver();
    const h = await makeEngine(repo, server, { team, checkpointer });
    const id = await h.engine.start('build greetings', { mode: 'hierarchical' });
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    // The sub-workflow is a root run on its own checkpoint thread, not a nested subgraph namespace.
    const subThread = await checkpointer.getTuple({ configurable: { thread_id: `${id}--t1`, checkpoint_ns: '' } });
    assert.deepEqual(Object.keys((subThread?.checkpoint.channel_values.results ?? {}) as object), ['t1-s1', 't1-s2']);

    const plans = requestsTo(server, 'Baton analyze');
    assert.equal(plans.length, 2, 'the top plan, then the epic\'s');
    assert.match(conversation(plans[0]!).system, /epic: true/, 'the top orchestrator may plan epics');
    assert.match(conversation(plans[1]!).system, /sub-orchestrator: the job below is epic t1/);
    assert.match(conversation(plans[1]!).user, /Build the greeting feature: do t1/);
    assert.doesNotMatch(conversation(plans[1]!).system, /planner \(/, 'the sub-team has no planner: the sub-orchestrator plans');
    assert.deepEqual(h.of('plan.created').map((e) => e.data.tasks.map((t) => `${t.id}${t.parentId ? `<${t.parentId}` : ''}`)), [['t1', 't2'], ['t1-s1<t1', 't1-s2<t1']]);
    // The epic itself is never given to an agent.
    assert.ok(!conversation(requestsTo(server, 'Baton route')[0]!).user.includes('- t1:'));
    assert.deepEqual(h.of('task.routed').map((e) => `${e.data.taskId}:${e.data.agentId}`), ['t2:documenter', 't1-s1:coder', 't1-s2:tester']);
    assert.deepEqual(started(h), ['t1-s1:coder', 't1-s2:tester', 't2:documenter']);

    // What the epic's dependent learns is the roll-up of the sub-workflow.
    const docs = requestsTo(server, 'Baton agent documenter').find((r) => conversation(r).user.startsWith('Your task t2'))!;
    assert.match(allText(docs), /Done before you by orchestrator \(t1\): Epic t1, broken into 2 task\(s\) by a sub-orchestrator \(2 of 2 tasks done\):\n- t1-s1 "Task s1" by coder: done/);
    assert.match(commitsOn(repo, `baton/${id}/coder`)[0]!, /\(t1-s1, round 1\)/);
    assert.match(commitsOn(repo, `baton/${id}/tester`)[0]!, /\(t1-s2, round 1\)/);
    assert.match(end.status === 'completed' ? end.summary : '', /t1 "Build the greeting feature" by orchestrator: done/);
    assert.equal(requestsTo(server, 'Baton reflect').length, 1, 'only the top workflow draws lessons');
    assert.deepEqual((await h.engine.status(id)).progress, { done: 2, failed: 0, notRun: 0, total: 2 });

    // Costs roll up per agent, task, sub-workflow and workflow, and add up.
    const costs = await h.engine.costs(id);
    const sum = (table: Record<string, { usd: number }>) => Object.values(table).reduce((a, b) => a + b.usd, 0);
    const recorded = (await h.engine.status(id)).costUsd;
    assert.ok(Math.abs(costs.total.usd - recorded) < 1e-9, `the roll-up matches the workflow's cost: ${costs.total.usd} against ${recorded}`);
    assert.ok(Math.abs(sum(costs.byAgent) - costs.total.usd) < 1e-9);
    assert.deepEqual(Object.keys(costs.byAgent).sort(), ['coder', 'documenter', 'orchestrator', 'reviewer', 'tester'].filter((a) => a in costs.byAgent));
    assert.deepEqual(Object.keys(costs.bySubWorkflow), ['t1']);
    const epic = costs.bySubWorkflow.t1!;
    const inEpic = ['t1', 't1-s1', 't1-s2'].reduce((a, t) => a + (costs.byTask[t]?.usd ?? 0), 0);
    assert.ok(Math.abs(epic.usd - inEpic) < 1e-9, 'the sub-workflow is its tasks and its own orchestrator calls');
    assert.ok((costs.byTask.t1?.calls ?? 0) >= 2, 'the sub-orchestrator\'s plan and routing count against the epic');
    assert.ok(epic.usd > 0 && epic.usd < costs.total.usd);
  });

  it('stops nesting at limits.maxDepth: there an epic is an ordinary task', async () => {
    // Every orchestrator, at every depth, plans one more epic: only maxDepth ends it.
    const endless = { rationale: 'again', tasks: [task('e', ['implement'], { epic: true }), task('w', ['test'])] };
    const team = teamWith({ limits: { maxDepth: 2 } });
    server = await startFakeOpenAI({ fallback: scriptedTeam(endless, routeByCapability(team), agents) });
    const h = await makeEngine(makeRepo(), server, { team });
    const id = await h.engine.start('recurse', { mode: 'hierarchical' });
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const plans = requestsTo(server, 'Baton analyze');
    assert.equal(plans.length, 3, 'depth 0, 1 and 2');
    assert.match(conversation(plans[1]!).system, /epic: true/, 'depth 1 may still nest');
    assert.doesNotMatch(conversation(plans[2]!).system, /epic: true/, 'depth 2 = maxDepth may not');
    assert.deepEqual(h.of('plan.created').map((e) => e.data.tasks.map((t) => t.id)), [['e', 'w'], ['e-e', 'e-w'], ['e-e-e', 'e-e-w']]);
    // At the limit the epic went to an agent like any task.
    assert.ok(h.of('task.routed').some((e) => e.data.taskId === 'e-e-e' && e.data.agentId === 'coder'));
    assert.deepEqual(started(h).sort(), ['e-e-e:coder', 'e-e-w:tester', 'e-w:tester', 'w:tester']);
  });

  it('surfaces an approval from inside the epic, and resumes the sub-workflow with the decision', async () => {
    const team = teamWith();
    const coder = write('package.json', '{ "dependencies": { "left-pad": "1.3.0" } }\n');
    server = await startFakeOpenAI({ fallback: scriptedTeam(byEpic, routeByCapability(team), { ...agents, coder }) });
    const h = await makeEngine(makeRepo(), server, { team });
    const id = await h.engine.start('build greetings', { mode: 'hierarchical' });

    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.deepEqual(first.approvals.map((a) => [a.approvalId, a.taskId, a.trigger]), [['t1-s1-after-r1', 't1-s1', 'dependencies']]);
    assert.deepEqual(started(h), ['t1-s1:coder'], 'the epic waits, and so does what depends on it');

    await h.engine.decide(id, 't1-s1-after-r1', 'approve');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(started(h), ['t1-s1:coder', 't1-s2:tester', 't2:documenter'], 'nothing ran twice');
    assert.equal(requestsTo(server, 'Baton analyze').length, 2, 'the sub-workflow went on from its checkpoint');
    assert.deepEqual(h.of('approval.requested').map((e) => e.data.approvalId), ['t1-s1-after-r1']);
  });

  it('gives an epic its own allowance inside the budget (limits.epicBudgetShare): it stops to ask when that is spent', async () => {
    // A first run measures what the epic's own planning and its first task cost.
    const team = teamWith();
    server = await startFakeOpenAI({ fallback: scriptedTeam(byEpic, routeByCapability(team), agents) });
    const probe = await makeEngine(makeRepo(), server, { team });
    const probeId = await probe.engine.start('build greetings', { mode: 'hierarchical', budgetUsd: 100 });
    assert.equal((await probe.engine.run(probeId)).status, 'completed');
    const c = (await probe.engine.costs(probeId)).byTask;
    const allowance = c.t1!.usd + c['t1-s1']!.usd / 2; // enough to plan and start, not for the second task
    await server.close();

    const share = 0.1;
    const capped = teamWith({ limits: { epicBudgetShare: share } });
    server = await startFakeOpenAI({ fallback: scriptedTeam(byEpic, routeByCapability(capped), agents) });
    const h = await makeEngine(makeRepo(), server, { team: capped });
    const id = await h.engine.start('build greetings', { mode: 'hierarchical', budgetUsd: allowance / share });
    const first = await h.engine.run(id);
    assert.equal(first.status, 'paused', JSON.stringify(first));
    const asked = first.status === 'paused' ? first.approvals : [];
    assert.deepEqual(asked.map((a) => a.trigger), ['budget']);
    assert.match(asked[0]!.reason, /^Epic t1's sub-workflow has spent \$\d+\.\d\d of its \$\d+\.\d\d allowance/);
    assert.deepEqual(started(h), ['t1-s1:coder'], 'the epic stopped before its second task');
    assert.equal(h.of('budget.exceeded').length, 0, 'the workflow\'s own budget is far from spent');

    await h.engine.decide(id, asked[0]!.approvalId, 'approve');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(started(h), ['t1-s1:coder', 't1-s2:tester', 't2:documenter']);
  });
});

