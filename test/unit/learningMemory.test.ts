import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinAgents } from '../../src/core/config/defaultTeam';
import type { WorkflowLearning } from '../../src/core/learningMemory';
import { batonMigrations } from '../../src/core/store/batonMigrations';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { SqliteMemory } from '../../src/core/store/sqliteMemory';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { conversation, makeEngine, requestsTo, scriptedTeam, teamWith } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

const task = (id: string, capabilities: string[]) => ({ id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [] });
const write = (path: string): AgentScript => ({ work: (t) => [{ name: 'write_file', args: { path, content: `// ${t}\n` } }] });
const agents = { coder: write('src/a.ts'), tester: write('test/a.test.ts') };
const assign = (...pairs: [string, string][]) => ({ assignments: pairs.map(([taskId, agentId]) => ({ taskId, agentId, rationale: `${agentId} fits`, confidence: 0.9 })) });

function learning(outcomes: WorkflowLearning['outcomes'], lessons: string[] = []): WorkflowLearning {
  return { task: 'a job', outcomes, retrospective: { lessons, worked: [], failed: [] } };
}
const outcome = (taskId: string, agentId: string, taskKind: string, ok: boolean): WorkflowLearning['outcomes'][number] =>
  ({ taskId, agentId, taskKind, strategy: 'llm', outcome: ok ? 'succeeded' : 'failed', errorKind: ok ? undefined : 'model', detail: ok ? undefined : 'it broke', rounds: 1 });

describe('learning memory', () => {
  let dir: string;
  let db: SqliteDatabase;
  let memory: SqliteMemory;
  let server: FakeOpenAI | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-memory-'));
    db = SqliteDatabase.open(join(dir, 'baton.db'));
    memory = new SqliteMemory(db);
  });
  afterEach(() => {
    server?.close();
    server = undefined;
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('in SQLite', () => {
    it('learns a workflow once however often its end is reported, and counts per agent and kind of task', async () => {
      const first = learning([outcome('t1', 'coder', 'implement', true), outcome('t2', 'tester', 'test', false)], ['keep tasks small']);
      await memory.learn('wf-1', first);
      await memory.learn('wf-1', first);
      await memory.learn('wf-2', learning([outcome('t1', 'coder', 'implement', false)]));
      assert.deepEqual(memory.trackRecords(), [
        { agentId: 'coder', taskKind: 'implement', succeeded: 1, failed: 1 },
        { agentId: 'tester', taskKind: 'test', succeeded: 0, failed: 1 },
      ]);
      const report = memory.report();
      assert.deepEqual(report.lessons.map((l) => [l.kind, l.text, l.workflowId]), [['lesson', 'keep tasks small', 'wf-1']]);
      assert.deepEqual(report.failures.map((f) => [f.workflowId, f.taskId, f.agentId, f.errorKind, f.detail]), [['wf-2', 't1', 'coder', 'model', 'it broke'], ['wf-1', 't2', 'tester', 'model', 'it broke']]);
      assert.deepEqual(report.agents.map((a) => [a.agentId, a.succeeded, a.failed]), [['coder', 1, 1], ['tester', 0, 1]]);
    });

    it('recalls the lessons that share words with the task first, then the newest', async () => {
      await memory.learn('wf-1', learning([], ['validate the signup form on the server too']));
      await memory.learn('wf-2', learning([], ['run the linter before committing']));
      await memory.learn('wf-3', learning([], ['docs need an example']));
      assert.deepEqual((await memory.recall('fix the signup form')).lessons, [
        'validate the signup form on the server too', 'docs need an example', 'run the linter before committing',
      ]);
    });

    it('deletes one entry by its id, and only that one', async () => {
      await memory.learn('wf-1', learning([outcome('t1', 'coder', 'implement', false), outcome('t2', 'coder', 'implement', false)], ['one', 'two']));
      const before = memory.report();
      const [lesson] = before.lessons;
      const [failure] = before.failures;
      assert.equal(memory.delete(lesson!.id), true);
      assert.equal(memory.delete(failure!.id), true);
      assert.equal(memory.delete(failure!.id), false, 'already gone');
      assert.equal(memory.delete('workflow-1'), false);
      const after = memory.report();
      assert.deepEqual(after.lessons.map((l) => l.id), before.lessons.slice(1).map((l) => l.id));
      assert.deepEqual(after.failures.map((f) => f.id), before.failures.slice(1).map((f) => f.id));
    });

    it('keeps the lessons of a database made before the memory tables, as lessons', () => {
      db.close();
      const path = join(dir, 'old.db');
      const old = SqliteDatabase.open(path, { migrations: batonMigrations.slice(0, 3) });
      old.run("INSERT INTO lessons (workflow_id, lesson, created_at) VALUES ('wf-0', 'an old lesson', 'then')");
      old.close();
      db = SqliteDatabase.open(path);
      assert.deepEqual(new SqliteMemory(db).report().lessons.map((l) => [l.kind, l.text]), [['lesson', 'an old lesson']]);
    });
  });

  describe('with the engine', () => {
    it('records routing outcomes, failures and the retrospective, and the next routing reads them', async () => {
      const plan = { rationale: 'two', tasks: [task('t1', ['implement']), task('t2', ['test'])] };
      server = await startFakeOpenAI({
        rules: [{ name: 'tester is down', match: (req) => conversation(req).system.startsWith('Baton agent tester'), reply: { fault: { kind: 'httpError', status: 400, message: 'model overloaded for tester' } } }],
        fallback: scriptedTeam(plan, assign(['t1', 'coder'], ['t2', 'tester']), agents),
      });
      // No fallback for the tester: its failure fails the task, and the memory should say so.
      const team = teamWith({ agents: builtinAgents().map((a) => (a.id === 'tester' ? { ...a, fallback: undefined } : a)) });
      const h = await makeEngine(makeRepo(), server, { team, memory });
      const first = await h.engine.start('implement and test a');
      assert.equal((await h.engine.run(first)).status, 'failed');

      const report = memory.report();
      assert.deepEqual(report.agents.map((a) => [a.agentId, a.succeeded, a.failed]), [['coder', 1, 0], ['tester', 0, 1]]);
      assert.deepEqual(report.failures.map((f) => [f.workflowId, f.taskId, f.agentId, f.taskKind, f.errorKind]), [[first, 't2', 'tester', 'test', 'model']]);
      assert.match(report.failures[0]!.detail, /model overloaded for tester/);
      assert.deepEqual(report.lessons.map((l) => [l.kind, l.text]).sort(), [['lesson', 'keep tasks small'], ['worked', 'the plan']]);

      const second = await h.engine.start('implement and test b');
      await h.engine.run(second);
      const routePrompts = requestsTo(server, 'Baton route').map((r) => conversation(r).system);
      assert.equal(routePrompts.length, 2);
      assert.doesNotMatch(routePrompts[0]!, /Track record/, 'nothing was known before the first workflow');
      assert.match(routePrompts[1]!, /Track record on this repository \(tasks succeeded\/done, by kind\): coder: implement 1\/1; tester: test 0\/1\./);
      assert.match(routePrompts[1]!, /Lessons from earlier workflows on this repository: keep tasks small/);
    });

    it('contract-net: a poor track record with the kind of task outweighs a confident bid', async () => {
      const plan = { rationale: 'one', tasks: [task('t1', ['test', 'implement'])] };
      const fit: Record<string, number> = { coder: 0.7, tester: 0.9 };
      const routeOnce = async (withMemory: boolean) => {
        server?.close();
        server = await startFakeOpenAI({ fallback: scriptedTeam(plan, 'no route call expected', agents, undefined, {
          bid: (agentId) => ({ json: { fit: fit[agentId] ?? 0, expectedSteps: 5, note: `${agentId} bids` } }),
        }) });
        const h = await makeEngine(makeRepo(), server, { team: teamWith({ routing: { strategy: 'contract-net' } }), memory: withMemory ? memory : undefined });
        const id = await h.engine.start('test a');
        assert.equal((await h.engine.run(id)).status, 'completed');
        return { routed: h.of('task.routed')[0]!, bids: requestsTo(server, 'Baton bid').map((r) => conversation(r).system) };
      };
      assert.equal((await routeOnce(false)).routed.data.agentId, 'tester', 'on its bid alone, the tester wins');

      await memory.learn('wf-old', learning([
        outcome('a', 'tester', 'test', false), outcome('b', 'tester', 'test', false), outcome('c', 'tester', 'test', false),
        outcome('d', 'coder', 'test', true), outcome('e', 'coder', 'test', true), outcome('f', 'coder', 'test', true),
      ]));
      const { routed, bids } = await routeOnce(true);
      assert.equal(routed.data.agentId, 'coder');
      assert.match(routed.data.rationale, /coder bids \(3\/3 test tasks succeeded before\)/);
      assert.ok(bids.some((b) => b.includes('you are tester') && b.includes('On this repository you succeeded at 0 of 3 test task(s).')));
    });
  });
});
