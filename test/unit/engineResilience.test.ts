import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { ChatRequest, FakeOpenAI, Reply } from '../support/fakeOpenAI';
import { commitsOn, conversation, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { defaultTeamConfig } from '../../src/core/config/defaultTeam';
import { makeRepo } from '../support/repoBuilder';
import { ViewActivity } from '../../src/vscode/viewActivity';

// A whole workflow against a failing model endpoint: every fault ends in a retry, a fallback or a clear
// error, never a hung run, and the workflow's records and branches stay right.

const task = (id: string, capabilities: string[]) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [] });
const onePlan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
const twoPlan = { rationale: 'code and docs', tasks: [task('t1', ['implement']), task('t2', ['docs'])] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] };
const routing2 = { assignments: [...routing.assignments, { taskId: 't2', agentId: 'documenter', rationale: 'docs', confidence: 0.9 }] };
const write = (path: string): AgentScript => ({ work: () => [{ name: 'write_file', args: { path, content: 'export {};\n' } }] });
const agentOf = (req: ChatRequest) => /^Baton agent ([a-z0-9-]+):/.exec(conversation(req).system)?.[1];

/** The built-in team with one agent on its own model. */
function teamWithModel(agentId: string, model: string) {
  const team = defaultTeamConfig();
  return { ...team, agents: team.agents.map((a) => (a.id === agentId ? { ...a, model } : a)) };
}

describe('engine: resilience', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('rides out a 429, a 503, a hanging request, a cut connection and a malformed tool call, and completes', async () => {
    const once = new Set<string>();
    const first = (req: ChatRequest): Reply | undefined => {
      const agent = agentOf(req);
      if (agent === 'coder' && !once.has('hang')) return once.add('hang'), { fault: { kind: 'hang' } };
      if (agent === 'coder' && conversation(req).lastRole === 'tool' && !once.has('malformed')) return once.add('malformed'), { fault: { kind: 'malformedToolArguments', name: 'write_file' } };
      if (conversation(req).system.startsWith('Baton review') && !once.has('cut')) return once.add('cut'), { fault: { kind: 'cutStream', how: 'end' } };
      return undefined;
    };
    server = await startFakeOpenAI({ fallback: scriptedTeam(onePlan, routing, { coder: write('src/a.ts') }, undefined, { first }) });
    server.failNext({ kind: 'rateLimited', retryAfterSeconds: 1 });
    server.failNext({ kind: 'serverError', status: 503 });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { resilience: { callTimeoutMs: 1000 } });
    const id = await h.engine.start('do a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual([...once].sort(), ['cut', 'hang', 'malformed']);
    assert.equal(h.of('agent.failed').length, 0);
    assert.ok(h.of('agent.tool_call').some((e) => e.data.tool === 'write_file' && !e.data.ok && e.data.args === '(malformed)'), 'the malformed call went back to the model');
    assert.ok(commitsOn(repo, `baton/${id}/coder`).some((subject) => subject.startsWith('Task t1')), 'the coder\'s work is on its branch');
    assert.equal((await h.records.get(id))?.status, 'completed');
    const seqs = h.events.filter((e) => e.workflowId === id).map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'no event lost or repeated');
    await server.waitForIdle();
  });

  it('opens the coder\'s breaker when its model keeps failing; the fallback model finishes the task', async () => {
    server = await startFakeOpenAI({
      rules: [{ name: 'coder model down', match: { model: 'coder-model' }, reply: { fault: { kind: 'serverError', status: 502 } } }],
      fallback: scriptedTeam(onePlan, routing, { coder: write('src/a.ts') }),
    });
    const h = await makeEngine(makeRepo(), server, { team: teamWithModel('coder', 'coder-model'), resilience: { maxRetries: 4, breakerThreshold: 2, breakerCooldownMs: 3_600_000, fallbackModels: ['backup-model'] } });
    const id = await h.engine.start('do a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('circuit.state').map((e) => [e.agent, e.data.model, e.data.state]), [['coder', 'coder-model', 'open']]);
    // The agent monitor (VS Code) said why the coder was slow while it happened.
    const view = new ViewActivity();
    for (const e of h.events.slice(0, h.events.findIndex((e) => e.type === 'model.fallback') + 1)) view.observe(e);
    assert.equal(view.summarize((await h.records.get(id))!).agents.find((a) => a.id === 'coder')?.currentStep, 'on backup-model (coder-model failed)');
    const moved = h.of('model.fallback');
    assert.ok(moved.length >= 2 && moved.every((e) => e.agent === 'coder' && e.data.from === 'coder-model' && e.data.to === 'backup-model'));
    assert.equal(server.chatRequests.filter((r) => r.body.model === 'coder-model').length, 2, 'once open, the coder\'s later turns skip its model');
    assert.ok(h.of('cost.recorded').some((e) => e.data.model === 'backup-model'));
    assert.equal(h.of('agent.failed').length, 0);
  });

  it('with no fallback model, an agent whose breaker opens hands its task to its fallback agent (agents.yaml fallback)', async () => {
    const testPlan = { rationale: 'tests', tasks: [task('t1', ['test'])] };
    const toTester = { assignments: [{ taskId: 't1', agentId: 'tester', rationale: 'tests', confidence: 0.9 }] };
    server = await startFakeOpenAI({
      rules: [{ name: 'tester model down', match: { model: 'tester-model' }, reply: { fault: { kind: 'rateLimited', retryAfterSeconds: 1 } } }],
      fallback: scriptedTeam(testPlan, toTester, { coder: write('test/a.test.ts') }),
    });
    const h = await makeEngine(makeRepo(), server, { team: teamWithModel('tester', 'tester-model'), resilience: { maxRetries: 4, breakerThreshold: 3, breakerCooldownMs: 3_600_000 } });
    const end = await h.engine.run(await h.engine.start('test a'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('circuit.state').map((e) => [e.agent, e.data.state]), [['tester', 'open']]);
    assert.equal(server.chatRequests.filter((r) => r.body.model === 'tester-model').length, 3);
    const [failed] = h.of('agent.failed');
    assert.deepEqual([failed?.agent, failed?.data.retryable], ['tester', true]);
    assert.match(failed!.data.error, /circuit breaker open/);
    assert.deepEqual(h.of('task.routed').map((e) => [e.data.agentId, e.data.strategy]), [['tester', 'llm'], ['coder', 'fallback']]);
    assert.equal(h.of('model.fallback').length, 0);
  });

  it('a failed optional agent (the documenter\'s model is down) does not fail the workflow, which reports the failed task', async () => {
    server = await startFakeOpenAI({
      rules: [{ name: 'docs model down', match: { model: 'docs-model' }, reply: { fault: { kind: 'serverError', status: 503 } } }],
      fallback: scriptedTeam(twoPlan, routing2, { coder: write('src/a.ts') }),
    });
    const h = await makeEngine(makeRepo(), server, { team: teamWithModel('documenter', 'docs-model'), resilience: { maxRetries: 2 } });
    const end = await h.engine.run(await h.engine.start('code and docs'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const [failed] = h.of('agent.failed');
    assert.deepEqual([failed?.agent, failed?.data.taskId, failed?.data.optional], ['documenter', 't2', true]);
    assert.match(failed!.data.error, /The model call to docs-model failed after 3 attempts \(HTTP 503\)/);
    assert.equal(h.of('workflow.completed')[0]?.data.tasksFailed, 1);
    assert.equal(h.of('workflow.completed')[0]?.data.tasksCompleted, 1);
  });

  it('a rejected key fails the workflow at once with what to do, after one request', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(onePlan, routing, { coder: write('src/a.ts') }) });
    server.failNext({ kind: 'httpError', status: 401, message: 'Incorrect API key provided.' });
    const h = await makeEngine(makeRepo(), server, { resilience: { fallbackModels: ['backup-model'] } });
    const id = await h.engine.start('do a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'failed');
    assert.match(h.of('workflow.failed')[0]!.data.error, /The API key was rejected \(401\): run “Baton: Set API Key” or set BATON_API_KEY/);
    assert.equal(server.chatRequests.length, 1);
    assert.equal((await h.records.get(id))?.status, 'failed');
  });
});
