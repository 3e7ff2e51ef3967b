import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { allText, commitsOn, conversation, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// Who gets which task: LLM routing with validation, contract-net bidding, file overlaps, fallbacks.

const task = (id: string, capabilities: string[], files: string[] = []) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files, risks: [] });
const write = (path: string): AgentScript => ({ work: (t) => [{ name: 'write_file', args: { path, content: `// ${t}\n` } }] });
const agents = { coder: write('src/a.ts'), tester: write('test/a.test.ts') };
const assign = (...pairs: [string, string][]) => ({ assignments: pairs.map(([taskId, agentId]) => ({ taskId, agentId, rationale: `${agentId} fits`, confidence: 0.9 })) });

describe('engine: routing', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('contract-net: the agents able to do a task bid, and the best score wins', async () => {
    const plan = { rationale: 'bid', tasks: [task('t1', ['implement', 'test']), task('t2', ['test', 'implement'])] };
    const fit: Record<string, number> = { 'coder/t1': 0.9, 'tester/t1': 0.3, 'coder/t2': 0.5, 'tester/t2': 0.95 };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, 'no route call expected', agents, undefined, {
      bid: (agentId, taskId) => ({ json: { fit: fit[`${agentId}/${taskId}`] ?? 0, expectedSteps: 5, note: `${agentId} on ${taskId}` } }),
    }) });
    const h = await makeEngine(makeRepo(), server, { team: teamWith({ routing: { strategy: 'contract-net' } }) });
    const id = await h.engine.start('implement and test a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const bids = requestsTo(server, 'Baton bid').map((r) => `${/you are ([a-z]+),/.exec(conversation(r).system)?.[1]}/${/^Task (\S+):/m.exec(conversation(r).user)?.[1]}`);
    assert.deepEqual(bids.sort(), ['coder/t1', 'coder/t2', 'tester/t1', 'tester/t2'], 'only agents with a matching capability bid');
    assert.equal(requestsTo(server, 'Baton route').length, 0);
    const routed = h.of('task.routed');
    assert.deepEqual(routed.map((e) => [e.data.taskId, e.data.agentId, e.data.strategy]), [['t1', 'coder', 'contract-net'], ['t2', 'tester', 'contract-net']]);
    assert.deepEqual(routed[0]!.data.bids?.map((b) => b.agentId), ['coder', 'tester'], 'bids are listed best first');
    assert.ok(routed[0]!.data.bids![0]!.score > routed[0]!.data.bids![1]!.score);
  });

  it('LLM routing to an agent not in the team is sent back with the problem, then succeeds', async () => {
    const plan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
    const routing = (req: Parameters<typeof conversation>[0]) => (allText(req).includes('was not valid') ? assign(['t1', 'coder']) : assign(['t1', 'wizard']));
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, agents) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('implement a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const asked = requestsTo(server, 'Baton route');
    assert.equal(asked.length, 2);
    assert.ok(allText(asked[1]!).includes('task "t1" was given to "wizard", who is not in the team'), allText(asked[1]!).slice(-400));
    assert.deepEqual(h.of('task.routed').map((e) => [e.data.taskId, e.data.agentId]), [['t1', 'coder']]);
  });

  it('two independent tasks that change the same file run one after the other', async () => {
    const plan = { rationale: 'overlap', tasks: [task('t1', ['implement'], ['src/a.ts']), task('t2', ['test'], ['src/a.ts'])] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, assign(['t1', 'coder'], ['t2', 'tester']), agents) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('implement and test a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const t2 = h.of('task.routed').find((e) => e.data.taskId === 't2')!;
    assert.match(t2.data.rationale, /waits for t1 \(both change src\/a\.ts\)/);
    const order = h.events.filter((e) => e.type === 'agent.started' || e.type === 'agent.finished').map((e) => `${e.type === 'agent.started' ? '+' : '-'}${(e.data as { taskId: string }).taskId}`);
    assert.deepEqual(order, ['+t1', '-t1', '+t2', '-t2']);
  });

  it('an agent whose model fails hands its task to its fallback, which completes it', async () => {
    const plan = { rationale: 'tests', tasks: [task('t1', ['test'])] };
    server = await startFakeOpenAI({
      rules: [{ name: 'tester is down', match: (req) => conversation(req).system.startsWith('Baton agent tester'), reply: { fault: { kind: 'httpError', status: 400, message: 'model overloaded for tester' } } }],
      fallback: scriptedTeam(plan, assign(['t1', 'tester']), { coder: write('test/a.test.ts') }),
    });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('test a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    assert.deepEqual(h.of('agent.failed').map((e) => [e.agent, e.data.kind, e.data.retryable]), [['tester', 'model', true]]);
    assert.match(h.of('agent.failed')[0]!.data.error, /model overloaded for tester/);
    assert.deepEqual(h.of('task.routed').map((e) => [e.data.agentId, e.data.strategy]), [['tester', 'llm'], ['coder', 'fallback']]);
    assert.deepEqual(h.of('agent.started').map((e) => [e.agent, e.data.attempt]), [['tester', 1], ['coder', 2]]);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Task t1 (t1, round 1)', 'initial commit']);
  });
});
