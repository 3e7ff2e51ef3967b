import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { ChatRequest, FakeOpenAI } from '../support/fakeOpenAI';
import { allText, makeEngine, requestsTo, routeByCapability, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { assertReadable, chatty, clientFor, fileOn, isPurpose, reworded, transports } from '../support/misbehavingModels';
import { makeRepo } from '../support/repoBuilder';
import type { AgentConfig } from '../../src/core/config/teamSchema';

// Conformance, part 1: models that word the plan, the routing and the structured replies their own way. Each
// scenario runs a real workflow through the real @langchain/openai client against the fake server and ends in
// a repaired run or a clear failure; the mocha timeout is the guard against a hang.

const task = (id: string, capabilities: string[]) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [] });
const write = (path: string): AgentScript => ({ work: (t) => [{ name: 'write_file', args: { path, content: `// ${t}\n` } }] });
const agents = { coder: write('src/a.ts'), tester: write('test/a.test.ts') };
const assign = (...pairs: [string, string][]) => ({ assignments: pairs.map(([taskId, agentId]) => ({ taskId, agentId, rationale: `${agentId} fits`, confidence: 0.9 })) });
const prose = 'I would give the first task to the coder and the second to the tester, since that matches their roles.';

describe('model conformance: wording, routing and structured output', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  describe('routing', () => {
    it('a plan that says "implementation" and "unit tests" routes to the coder and the tester, in the team\'s words', async () => {
      const plan = { rationale: 'code then tests', tasks: [task('t1', ['implementation']), task('t2', ['Unit Tests'])] };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, assign(['t1', 'coder'], ['t2', 'tester']), agents) });
      const h = await makeEngine(makeRepo(), server);
      const end = await h.engine.run(await h.engine.start('implement and test a'));
      assert.equal(end.status, 'completed', JSON.stringify(end));
      assert.deepEqual(h.of('task.routed').map((e) => [e.data.taskId, e.data.agentId, e.data.strategy]), [['t1', 'coder', 'llm'], ['t2', 'tester', 'llm']]);
      assert.equal(requestsTo(server, 'Baton route').length, 1, 'the routing was accepted as it came');
      assert.deepEqual(h.of('plan.created')[0]!.data.tasks.map((t) => t.capabilities), [['implement'], ['test']]);
      const schema = JSON.stringify(requestsTo(server, 'Baton analyze')[0]!.response_format);
      assert.match(schema, /"capabilities":\{[^}]*"items":\{"type":"string","minLength":1,"enum":\["plan","decompose","design","architecture","implement",/, 'the team\'s words are offered as an enum');
      assert.match(requestsTo(server, 'Baton route')[0]!.messages.at(-1)!.content as string, /t1: Task t1 \(needs implement\)/);
    });

    it('a routing still invalid after the repairs: the sound assignments are kept, the rest routed by capability, and said so', async () => {
      const plan = { rationale: 'two', tasks: [task('t1', ['implement']), task('t2', ['testing'])] };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, assign(['t1', 'coder'], ['t2', 'wizard']), agents) });
      const repo = makeRepo();
      const h = await makeEngine(repo, server);
      const id = await h.engine.start('implement and test a');
      const end = await h.engine.run(id);
      assert.equal(end.status, 'completed', JSON.stringify(end));
      assert.equal(requestsTo(server, 'Baton route').length, 3);
      const routed = h.of('task.routed');
      assert.deepEqual(routed.map((e) => [e.data.taskId, e.data.agentId, e.data.strategy]), [['t1', 'coder', 'llm'], ['t2', 'tester', 'capability-match']]);
      assert.equal(routed[1]!.data.rationale, 'the model\'s routing was set aside (still invalid after 3 attempts: task "t2" was given to "wizard", who is not in the team (planner, coder, tester, reviewer, documenter, security)); routed by capability match: tester has test');
      assert.equal(fileOn(repo, `baton/${id}/tester`, 'test/a.test.ts'), '// t2');
    });

    for (const { streaming } of transports) {
      it(`a routing that never parses: every task routed by capability, and the run completes (${streaming ? 'streamed' : 'not streamed'})`, async () => {
        const plan = { rationale: 'two', tasks: [task('t1', ['implement']), task('t2', ['test'])] };
        server = await startFakeOpenAI({ fallback: reworded(scriptedTeam(plan, assign(['t1', 'coder']), agents), () => prose, isPurpose('route')) });
        const h = await makeEngine(makeRepo(), server, clientFor(server, streaming));
        const end = await h.engine.run(await h.engine.start('implement and test a'));
        assert.equal(end.status, 'completed', JSON.stringify(end));
        const routed = h.of('task.routed');
        assert.deepEqual(routed.map((e) => [e.data.agentId, e.data.strategy]), [['coder', 'capability-match'], ['tester', 'capability-match']]);
        assert.match(routed[0]!.data.rationale, /^the model's routing was set aside \(still invalid after 3 attempts: not valid JSON \(.*\); the reply began: "I would give the first task/);
        assert.ok(requestsTo(server, 'Baton route').every((r) => (r.stream === true) === streaming));
      });
    }

    it('a task no agent can do fails the workflow with what to add to the team, and nothing starts', async () => {
      const plan = { rationale: 'ship', tasks: [task('t1', ['deployment'])] };
      server = await startFakeOpenAI({ fallback: reworded(scriptedTeam(plan, {}, agents), () => prose, isPurpose('route')) });
      const h = await makeEngine(makeRepo(), server);
      const end = await h.engine.run(await h.engine.start('deploy a'));
      assert.ok(end.status === 'failed', JSON.stringify(end));
      assert.match(end.error, /^No agent of the team can take task t1 \(t1 needs deployment\): no agent lists any of these capabilities, and the model's routing was set aside \(still invalid after 3 attempts: not valid JSON .*\)\. Add the capability to an agent in \.baton\/agents\.yaml \(capabilities: \[\.\.\.\]\), or word the job in the team's capabilities \(plan, decompose, design, architecture, implement, .*, \.\.\.\)\.$/);
      assertReadable(end.error);
      assert.equal(h.of('workflow.failed')[0]!.data.error, end.error);
      assert.equal(h.of('agent.started').length, 0);
    });

    it('a team with words of its own: offered to the planner, matched however the model spells them', async () => {
      const base = teamWith();
      const member = (id: string, capabilities: string[]): AgentConfig => ({ ...base.agents[1]!, id, role: `${id} work`, capabilities, fallback: undefined });
      const team = { ...base, agents: [member('web', ['frontend']), member('api', ['backend', 'database']), member('qa', ['qa'])] };
      const plan = { rationale: 'three', tasks: [task('t1', ['Front-End']), task('t2', ['back end', 'databases']), task('t3', ['testing'])] };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routeByCapability(team), { web: write('web.ts'), api: write('api.ts'), qa: write('qa.test.ts') }) });
      const h = await makeEngine(makeRepo(), server, { team });
      const end = await h.engine.run(await h.engine.start('build it'));
      assert.equal(end.status, 'completed', JSON.stringify(end));
      assert.match(JSON.stringify(requestsTo(server, 'Baton analyze')[0]!.response_format), /"enum":\["frontend","backend","database","qa"\]/);
      assert.deepEqual(h.of('plan.created')[0]!.data.tasks.map((t) => t.capabilities), [['frontend'], ['backend', 'database'], ['qa']]);
      assert.deepEqual(h.of('task.routed').map((e) => [e.data.agentId, e.data.strategy]), [['web', 'llm'], ['api', 'llm'], ['qa', 'llm']]);
    });

    it('contract-net: bids that never parse route by capability instead of failing', async () => {
      const plan = { rationale: 'one', tasks: [task('t1', ['implementation'])] };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, 'no routing call', agents, undefined, { bid: () => ({ text: 'I am a great fit for this!' }) }) });
      const h = await makeEngine(makeRepo(), server, { team: teamWith({ routing: { strategy: 'contract-net' } }) });
      const end = await h.engine.run(await h.engine.start('implement a'));
      assert.equal(end.status, 'completed', JSON.stringify(end));
      const [routed] = h.of('task.routed');
      assert.deepEqual([routed!.data.agentId, routed!.data.strategy], ['coder', 'capability-match']);
      assert.match(routed!.data.rationale, /^no bid could be read \(The model's bid was still invalid after 3 attempts: not valid JSON/);
      assert.equal(requestsTo(server, 'Baton bid').length, 3, 'only the coder can implement, so only the coder bid');
    });
  });

  describe('structured output', () => {
    for (const { streaming } of transports) {
      const how = streaming ? 'streamed' : 'not streamed';

      it(`JSON in a fence, after "Here is", before a closing sentence: read as it is, no re-ask (${how})`, async () => {
        const plan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
        server = await startFakeOpenAI({ fallback: reworded(scriptedTeam(plan, assign(['t1', 'coder']), agents), chatty) });
        const repo = makeRepo();
        const h = await makeEngine(repo, server, clientFor(server, streaming));
        const id = await h.engine.start('implement a');
        const end = await h.engine.run(id);
        assert.equal(end.status, 'completed', JSON.stringify(end));
        for (const purpose of ['analyze', 'route', 'reflect']) assert.equal(requestsTo(server, `Baton ${purpose}`).length, 1, purpose);
        assert.deepEqual(h.of('review.verdict').map((e) => [e.data.reviewer, e.data.verdict]), [['reviewer', 'approve'], ['tester', 'approve']]);
        assert.equal(requestsTo(server, 'Baton review').length, 2, 'one request per reviewer');
        assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), '// t1');
        assert.ok(server.chatRequests.every((r) => (r.body.stream === true) === streaming));
      });

      it(`a model that ignores structured output and answers in prose is asked again, and its JSON taken (${how})`, async () => {
        const plan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
        const firstPlan = (req: ChatRequest) => isPurpose('analyze')(req) && !allText(req).includes('was not valid');
        server = await startFakeOpenAI({ fallback: reworded(scriptedTeam(plan, assign(['t1', 'coder']), agents), () => 'First I would add the function, then test it.', firstPlan) });
        const h = await makeEngine(makeRepo(), server, clientFor(server, streaming));
        const end = await h.engine.run(await h.engine.start('implement a'));
        assert.equal(end.status, 'completed', JSON.stringify(end));
        const asked = requestsTo(server, 'Baton analyze');
        assert.equal(asked.length, 2, 'one re-ask, no blind retries');
        assert.match(allText(asked[1]!), /Your reply for "plan" was not valid:\n- not valid JSON \(.*\); the reply began: "First I would add the function, then test it\."\. Send only the JSON object/);
      });

      it(`a model that only ever answers in prose fails the workflow after 3 attempts, saying to use another model (${how})`, async () => {
        server = await startFakeOpenAI({ fallback: reworded(scriptedTeam({}, {}, agents), () => 'I cannot produce JSON, but here is my plan in words.') });
        const h = await makeEngine(makeRepo(), server, clientFor(server, streaming));
        const id = await h.engine.start('implement a');
        const end = await h.engine.run(id);
        assert.ok(end.status === 'failed', JSON.stringify(end));
        assert.match(end.error, /^The model's plan was still invalid after 3 attempts: not valid JSON \(.*\); the reply began: "I cannot produce JSON, but here is my plan in words\."\. Send only the JSON object\. Try again, or use a model that supports structured output \(JSON schema or tool calling\): baton\.model\.name, or model: in \.baton\/agents\.yaml\.$/);
        assertReadable(end.error);
        assert.equal(server.chatRequests.length, 3);
        assert.ok(h.of('cost.recorded').length === 3, 'every call the model was paid for is counted');
        assert.equal((await h.engine.status(id)).status, 'failed');
      });
    }

    it('without json_schema: a tool call with bad arguments is answered by a tool message, then repaired; a text reply is read too', async () => {
      const plan = { rationale: 'one', tasks: [task('t1', ['implement'])] };
      const script = scriptedTeam(plan, assign(['t1', 'coder']), agents);
      let analyzed = 0;
      server = await startFakeOpenAI({
        supportsJsonSchema: false,
        fallback: (req) => {
          if (isPurpose('analyze')(req) && req.response_format === undefined && analyzed++ === 0) return { toolCalls: [{ name: 'plan', args: { rationale: 'one', tasks: [{ ...task('t1', ['implement']), id: 'Task One' }] } }] };
          // The routing comes as text, ignoring tool_choice.
          if (isPurpose('route')(req)) return { text: `Routing: ${JSON.stringify(assign(['t1', 'coder']))}` };
          return script(req);
        },
      });
      const h = await makeEngine(makeRepo(), server);
      const end = await h.engine.run(await h.engine.start('implement a'));
      assert.equal(end.status, 'completed', JSON.stringify(end));
      const repair = requestsTo(server, 'Baton analyze').filter((r) => r.response_format === undefined)[1]!;
      const [call, answer] = repair.messages.slice(-2);
      assert.equal(call?.role, 'assistant');
      assert.equal(answer?.role, 'tool');
      assert.equal(answer?.tool_call_id, call?.tool_calls?.[0]?.id, 'the tool call is answered before anything else');
      assert.match(String(answer?.content), /Your reply for "plan" was not valid:\n- .*task ids are lowercase slugs/);
      assert.equal(requestsTo(server, 'Baton route').filter((r) => r.response_format === undefined).length, 1);
    });
  });
});
