import assert from 'node:assert/strict';
import { BatonError } from '../../src/core/errors';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { allText, commitsOn, conversation, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// What a model (or a user) gets wrong, and how the engine recovers or stops cleanly.

const task = (id: string, capabilities: string[], dependsOn: string[] = []) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn, files: [], risks: [] });
const plan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
const cyclic = { rationale: 'loops', tasks: [task('t1', ['implement'], ['t2']), task('t2', ['test'], ['t1'])] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] };
const routing2 = { assignments: [...routing.assignments, { taskId: 't2', agentId: 'documenter', rationale: 'docs', confidence: 0.9 }] };
const write = (path: string): AgentScript => ({ work: () => [{ name: 'write_file', args: { path, content: 'export {};\n' } }] });
const isAnalyze = (req: Parameters<typeof conversation>[0]) => conversation(req).system.startsWith('Baton analyze');

describe('engine: bad input', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('re-asks for a plan that is not JSON, saying so, then goes on', async () => {
    // A server without json_schema: the plan comes as a forced tool call, here with broken arguments.
    // (With json_schema, @langchain/openai itself throws on non-JSON content and retries blindly: see the report.)
    server = await startFakeOpenAI({
      supportsJsonSchema: false,
      rules: [{ match: (req) => isAnalyze(req) && req.response_format === undefined, reply: { toolCalls: [{ name: 'plan', rawArguments: '{"rationale": "one", "tasks": [' }] }, times: 1 }],
      fallback: scriptedTeam(plan, routing, { coder: write('src/a.ts') }),
    });
    const h = await makeEngine(makeRepo(), server);
    const end = await h.engine.run(await h.engine.start('do a'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const asked = requestsTo(server, 'Baton analyze').filter((r) => r.response_format === undefined);
    assert.equal(asked.length, 2);
    assert.match(allText(asked[1]!), /Your reply for "plan" was not valid:\n- not valid JSON/);
  });

  it('describes a dependency cycle to the model, which fixes its plan', async () => {
    server = await startFakeOpenAI({
      rules: [{ match: isAnalyze, reply: { json: cyclic }, times: 1 }],
      fallback: scriptedTeam(plan, routing, { coder: write('src/a.ts') }),
    });
    const h = await makeEngine(makeRepo(), server);
    const end = await h.engine.run(await h.engine.start('do a'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const asked = requestsTo(server, 'Baton analyze');
    assert.equal(asked.length, 2);
    assert.ok(allText(asked[1]!).includes('the dependencies form a cycle: t1 -> t2 -> t1'), allText(asked[1]!).slice(-300));
  });

  it('fails cleanly when the model keeps planning a cycle', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(cyclic, routing, {}) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('do a');
    const end = await h.engine.run(id);
    assert.ok(end.status === 'failed', JSON.stringify(end));
    assert.match(end.error, /plan was still invalid after 3 attempts: the dependencies form a cycle: t1 -> t2 -> t1/);
    assert.doesNotMatch(end.error, /\n\s+at /, 'no stack trace');
    assert.equal(requestsTo(server, 'Baton analyze').length, 3);
    assert.equal(h.of('workflow.failed').length, 1);
    assert.equal(h.of('workflow.failed')[0]!.data.error, end.error);
    assert.equal((await h.engine.status(id)).status, 'failed');
    assert.equal(h.of('agent.started').length, 0);
  });

  it('refuses an empty task before anything starts', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {}) });
    const h = await makeEngine(makeRepo(), server);
    await assert.rejects(h.engine.start('   \n'), (e: unknown) => e instanceof BatonError && e.kind === 'usage' && /empty/.test(e.message) && /baton run/.test(e.fix ?? ''));
    assert.deepEqual(await h.engine.list(), []);
    assert.equal(server.requests.length, 0);
  });

  it('answers a malformed tool call with the parse error, and the agent repairs it', async () => {
    const isCoder = (req: Parameters<typeof conversation>[0]) => conversation(req).system.startsWith('Baton agent coder');
    server = await startFakeOpenAI({
      rules: [{ name: 'broken call', match: isCoder, reply: { toolCalls: [{ name: 'write_file', rawArguments: '{bad' }] }, times: 1 }],
      fallback: scriptedTeam(plan, routing, { coder: { work: () => [], next: (_t, req) => (allText(req).includes('not valid JSON') && !allText(req).includes('Wrote src/a.ts') && req.messages.filter((m) => m.role === 'assistant').length === 1 ? { toolCalls: [{ name: 'write_file', args: { path: 'src/a.ts', content: 'export {};\n' } }] } : undefined) } }),
    });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('do a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));

    const calls = h.of('agent.tool_call').filter((e) => e.agent === 'coder');
    assert.deepEqual(calls.map((e) => [e.data.tool, e.data.ok]), [['write_file', false], ['write_file', true], ['finish', true]]);
    assert.equal(calls[0]!.data.args, '(malformed)');
    const second = requestsTo(server, 'Baton agent coder')[1]!;
    const toolReply = second.messages.find((m) => m.role === 'tool');
    assert.match(String(toolReply?.content), /arguments of write_file were not valid JSON/);
    // The tool result answers a call of the assistant message, as a real endpoint requires.
    assert.ok(second.messages.some((m) => m.role === 'assistant' && m.tool_calls?.some((c) => c.id === toolReply?.tool_call_id)), JSON.stringify(second.messages));
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Task t1 (t1, round 1)', 'initial commit']);
  });

  it('an agent out of time fails alone (kind timeout) and its fallback takes over; the workflow is not cancelled', async () => {
    const tests = { rationale: 'tests', tasks: [task('t1', ['test'])] };
    server = await startFakeOpenAI({
      rules: [{ match: (req) => conversation(req).system.startsWith('Baton agent tester'), reply: { fault: { kind: 'hang' } } }],
      fallback: scriptedTeam(tests, { assignments: [{ taskId: 't1', agentId: 'tester', rationale: 'tests', confidence: 0.9 }] }, { coder: write('test/a.test.ts') }),
    });
    // The limit holds for the fallback too: generous enough that the coder's own few calls never meet it on a
    // loaded machine (0.3 s did once), while the tester's hung call always does.
    const h = await makeEngine(makeRepo(), server, { team: teamWith({ limits: { timeoutSeconds: 3 } }) });
    const end = await h.engine.run(await h.engine.start('test a'));
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('agent.failed').map((e) => [e.agent, e.data.kind]), [['tester', 'timeout']]);
    assert.match(h.of('agent.failed')[0]!.data.error, /tester ran out of time after 3 s on t1/);
    assert.deepEqual(h.of('task.routed').map((e) => [e.data.agentId, e.data.strategy]), [['tester', 'llm'], ['coder', 'fallback']]);
    assert.equal(h.of('workflow.cancelled').length, 0);
  });

  it('a failing optional agent (the documenter) does not fail the workflow', async () => {
    const twoTasks = { rationale: 'code and docs', tasks: [task('t1', ['implement']), task('t2', ['docs'])] };
    server = await startFakeOpenAI({
      rules: [{ match: (req) => conversation(req).system.startsWith('Baton agent documenter'), reply: { fault: { kind: 'httpError', status: 400, message: 'documenter model unavailable' } } }],
      fallback: scriptedTeam(twoTasks, routing2, { coder: write('src/a.ts') }),
    });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('code and docs');
    const end = await h.engine.run(id);
    assert.ok(end.status === 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('agent.failed').map((e) => [e.agent, e.data.optional, e.data.retryable]), [['documenter', true, false]]);
    assert.match(end.summary, /t2 .* failed/);
    assert.equal(h.of('workflow.completed')[0]?.data.tasksFailed, 1);
    assert.equal(h.of('workflow.failed').length, 0);
  });
});
