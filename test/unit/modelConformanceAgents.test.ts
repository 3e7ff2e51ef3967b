import assert from 'node:assert/strict';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { ChatRequest, FakeOpenAI, Reply } from '../support/fakeOpenAI';
import { allText, conversation, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { agentOf, assertReadable, clientFor, fileOn, transports } from '../support/misbehavingModels';
import { makeRepo } from '../support/repoBuilder';

// Conformance, part 2: agents whose model misbehaves in the tool-calling loop. Misnamed arguments, empty
// replies, prose instead of finish, one call repeated forever, no finish before the steps run out: each ends in
// a repaired run or a clear failure, and never reports as done work that was not done.

const plan = { rationale: 'one', tasks: [{ id: 't1', title: 'Task t1', description: 'do t1', capabilities: ['implement'], dependsOn: [], files: ['src/a.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] };
const lastText = (req: ChatRequest) => conversation(req).last;
const coderTurns = (server: FakeOpenAI) => requestsTo(server, 'Baton agent coder');
/** Which of the coder's turns a request is: 1 for its first. */
const countCoder = (req: ChatRequest) => req.messages.filter((m) => m.role === 'assistant').length + 1;

describe('model conformance: agents', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  for (const { streaming } of transports) {
    const how = streaming ? 'streamed' : 'not streamed';

    it(`write_file with file_path and contents, edit_file with old_string and new_string: done as meant (${how})`, async () => {
      const coder: AgentScript = {
        work: () => [
          { name: 'write_file', args: { file_path: 'src/a.ts', contents: 'export const a = 1;\n' } },
          { name: 'edit_file', args: { filepath: 'src/a.ts', old_string: 'a = 1', new_string: 'a = 2' } },
        ],
      };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }) });
      const repo = makeRepo();
      const h = await makeEngine(repo, server, clientFor(server, streaming));
      const id = await h.engine.start('add a');
      const end = await h.engine.run(id);
      assert.equal(end.status, 'completed', JSON.stringify(end));
      assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), 'export const a = 2;');
      assert.deepEqual(h.of('agent.tool_call').map((e) => [e.data.tool, e.data.args, e.data.ok]), [['write_file', 'path=src/a.ts', true], ['edit_file', 'path=src/a.ts', true], ['finish', 'confidence=0.9', true]]);
      const told = allText(coderTurns(server)[1]!);
      assert.match(told, /\[Note: "file_path" was taken as "path"; "contents" was taken as "content"\. write_file takes \{"path": \.\.\., "content": \.\.\.\}\]/);
      assert.match(told, /"old_string" was taken as "old"; "new_string" was taken as "new"/);
    });

    it(`empty replies: one reminder, then the agent fails clearly, and nothing is reported done (${how})`, async () => {
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {}, undefined, { first: (req) => (agentOf(req) === 'coder' ? (countCoder(req) === 1 ? { text: '' } : { toolCalls: [] }) : undefined) }) });
      const h = await makeEngine(makeRepo(), server, clientFor(server, streaming));
      const id = await h.engine.start('add a');
      const end = await h.engine.run(id);
      assert.ok(end.status === 'failed', JSON.stringify(end));
      assert.equal(coderTurns(server).length, 2, 'one reminder, then no more calls');
      assert.match(lastText(coderTurns(server)[1]!), /^Your reply was empty\. Do your task with the tools, and call finish/);
      const [failed] = h.of('agent.failed');
      assert.deepEqual([failed?.agent, failed?.data.kind], ['coder', 'no-finish']);
      assert.equal(failed!.data.error, 'coder stopped on t1 without calling finish and without changing anything (its replies were empty). The model may not handle tool calling well: give this agent a model that does (model: in .baton/agents.yaml, or baton.model.name), or try again.');
      assert.equal(end.error, `1 task(s) failed: t1 (${failed!.data.error})`);
      assertReadable(end.error);
      assert.equal(h.of('agent.finished').length, 0);
      assert.equal(h.of('workflow.completed').length, 0);
      assert.equal((await h.engine.status(id)).status, 'failed');
    });
  }

  it('an empty reply once, then work: the reminder gets it going and the run completes', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'a\n' } }] } }, undefined, {
      first: (req) => (agentOf(req) === 'coder' && countCoder(req) === 1 ? { toolCalls: [] } : undefined),
    }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add a');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.match(lastText(coderTurns(server)[1]!), /^Your reply was empty\./);
    assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), 'a');
  });

  it('prose and nothing done: the agent fails, quoting what it said', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {}, undefined, { first: (req) => (agentOf(req) === 'coder' ? { text: 'I will now implement the function.' } : undefined) }) });
    const h = await makeEngine(makeRepo(), server);
    const end = await h.engine.run(await h.engine.start('add a'));
    assert.ok(end.status === 'failed', JSON.stringify(end));
    assert.match(end.error, /coder stopped on t1 without calling finish and without changing anything \(its last reply was "I will now implement the function\."\)/);
    assert.equal(h.of('agent.failed')[0]?.data.kind, 'no-finish');
  });

  it('work done but finish never called: a person is asked whether it is done, and the work waits on the branch', async () => {
    const coder: AgentScript = {
      work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'export const a = 1;\n' } }],
      next: () => ({ text: 'I added src/a.ts with the constant.' }),
    };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('add a');
    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.deepEqual(first.approvals.map((a) => [a.taskId, a.trigger]), [['t1', 'lowConfidence']]);
    assert.equal(first.approvals[0]!.reason, 'Task t1 ended without calling finish, so the agent never said the work was done (it reported no confidence)');
    const [finished] = h.of('agent.finished');
    assert.deepEqual([finished?.data.confidence, finished?.data.summary], [0, '(Ended without calling finish.) I added src/a.ts with the constant.']);
    assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), 'export const a = 1;');

    await h.engine.decide(id, first.approvals[0]!.approvalId, 'approve');
    const second = await h.engine.run(id);
    assert.equal(second.status, 'completed', JSON.stringify(second));
  });

  it('a read-only agent that reports in prose instead of finish: its report goes to a person, who decides', async () => {
    const audit = { rationale: 'audit', tasks: [{ ...plan.tasks[0]!, capabilities: ['security audit'], files: [] }] };
    server = await startFakeOpenAI({ fallback: scriptedTeam(audit, { assignments: [{ taskId: 't1', agentId: 'security', rationale: 'audits', confidence: 0.9 }] }, {}, undefined, {
      first: (req) => (agentOf(req) === 'security' ? { text: 'I found no leaked secrets in the change.' } : undefined),
    }) });
    const h = await makeEngine(makeRepo(), server);
    const id = await h.engine.start('audit a');
    const first = await h.engine.run(id);
    assert.ok(first.status === 'waiting', JSON.stringify(first));
    assert.match(first.approvals[0]!.reason, /^Task t1 ended without calling finish/);
    assert.equal(h.of('agent.finished')[0]?.data.summary, '(Ended without calling finish.) I found no leaked secrets in the change.');
    await h.engine.decide(id, first.approvals[0]!.approvalId, 'reject', 'not a real audit');
    const second = await h.engine.run(id);
    assert.equal(second.status, 'completed', JSON.stringify(second));
    assert.equal(h.of('workflow.completed')[0]?.data.tasksCompleted, 0, 'the rejected report is not counted as done');
  });

  it('a write with an argument it would ignore is refused, and the model\'s repaired call keeps the file right', async () => {
    const coder: AgentScript = {
      work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'two\n', append: true } }],
      next: (_, req) => (lastText(req).includes('does not take "append"') ? { toolCalls: [{ name: 'edit_file', args: { path: 'src/a.ts', old: 'one\n', new: 'one\ntwo\n' } }] } : undefined),
    };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }) });
    const repo = makeRepo({ 'src/a.ts': 'one\n' });
    const h = await makeEngine(repo, server);
    const id = await h.engine.start('append two');
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    const [refused] = h.of('agent.tool_call');
    assert.deepEqual([refused?.data.tool, refused?.data.ok], ['write_file', false]);
    assert.match(refused!.data.error!, /^write_file does not take "append", so nothing was done/);
    assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), 'one\ntwo', 'the file was never replaced by the ignored-argument write');
  });

  for (const { streaming } of transports) {
    const how = streaming ? 'streamed, malformed arguments' : 'not streamed, the same read';
    it(`one call repeated with the same result: told once, then stopped, long before maxSteps (${how})`, async () => {
      const repeat: Reply = streaming ? { fault: { kind: 'malformedToolArguments', name: 'write_file' } } : { toolCalls: [{ name: 'read_file', args: { path: 'README.md' } }] };
      server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, {}, undefined, { first: (req) => (agentOf(req) === 'coder' ? repeat : undefined) }) });
      const h = await makeEngine(makeRepo(), server, clientFor(server, streaming));
      const end = await h.engine.run(await h.engine.start('add a'));
      assert.ok(end.status === 'failed', JSON.stringify(end));
      const turns = coderTurns(server);
      assert.equal(turns.length, 4, 'three in a row, the warning, one more');
      assert.match(lastText(turns[3]!), /^You have called (read_file|write_file) with the same arguments 3 times in a row and got the same result each time/);
      const [failed] = h.of('agent.failed');
      assert.equal(failed?.data.kind, 'loop');
      assert.match(failed!.data.error, /^coder was stopped on t1: it called (read_file|write_file) with the same arguments 4 times in a row, getting the same result each time, and went on after being told\. The model is stuck in a loop/);
      assertReadable(end.error);
      assert.ok(h.of('agent.message').some((e) => e.data.role === 'system' && /repeated the same/.test(e.data.content)), 'the user sees the warning too');
    });
  }

  it('no finish before the steps run out: the agent fails with max-steps and its half-done work is not on the branch', async () => {
    let read = 0;
    const coder: AgentScript = {
      work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'half\n' } }],
      next: () => ({ toolCalls: [{ name: 'read_file', args: { path: `missing-${++read}.ts` } }] }),
    };
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder }) });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { team: teamWith({ limits: { maxSteps: 3 } }) });
    const id = await h.engine.start('add a');
    const end = await h.engine.run(id);
    assert.ok(end.status === 'failed', JSON.stringify(end));
    assert.equal(coderTurns(server).length, 3);
    assert.deepEqual(h.of('agent.failed').map((e) => e.data.kind), ['max-steps']);
    assert.match(end.error, /coder did not finish t1 within 3 steps\. Raise limits\.maxSteps in \.baton\/agents\.yaml or split the task\./);
    assertReadable(end.error);
    assert.equal(fileOn(repo, `baton/${id}/coder`, 'src/a.ts'), undefined);
  });
});
