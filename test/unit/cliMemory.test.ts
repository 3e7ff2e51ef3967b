import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/program';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { SqliteMemory } from '../../src/core/store/sqliteMemory';
import type { MemoryReport } from '../../src/core/store/sqliteMemory';
import { makeRepo } from '../support/repoBuilder';

function io(cwd: string): CliIo & { out: string; err: string } {
  const r = {
    out: '', err: '', env: {}, cwd,
    stdout: { write: (s: string) => (r.out += s) },
    stderr: { write: (s: string) => (r.err += s) },
  };
  return r;
}

describe('baton memory', () => {
  let repo: string;
  beforeEach(() => (repo = makeRepo()));
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  /** What two finished workflows taught, written the way the engine writes it. */
  async function remember(): Promise<void> {
    const db = SqliteDatabase.open(join(repo, '.git', 'baton', 'baton.db'));
    const memory = new SqliteMemory(db);
    const ok = (taskId: string, agentId: string, taskKind: string) => ({ taskId, agentId, taskKind, strategy: 'llm', outcome: 'succeeded' as const, rounds: 1 });
    await memory.learn('wf-1', { task: 'a', outcomes: [ok('t1', 'coder', 'implement'), ok('t2', 'coder', 'test')], retrospective: { lessons: ['keep tasks small'], worked: ['parallel tasks'], failed: [] } });
    await memory.learn('wf-2', { task: 'b', outcomes: [{ taskId: 't1', agentId: 'tester', taskKind: 'test', strategy: 'llm', outcome: 'failed', errorKind: 'timeout', detail: 'tester ran out of time', rounds: 1 }], retrospective: { lessons: [], worked: [], failed: ['the tests timed out'] } });
    db.close();
  }

  it('on a repository with nothing learned says so and exits 0', async () => {
    const t = io(repo);
    assert.equal(await runCli(['memory'], t), 0);
    assert.equal(t.out, 'Nothing learned yet: Baton learns from every workflow that ends on this repository.\n');
  });

  it('lists lessons, per-agent success rates and recent failures, with the ids to delete them', async () => {
    await remember();
    const t = io(repo);
    assert.equal(await runCli(['memory'], t), 0, t.err);
    assert.match(t.out, /^Lessons and retrospectives \(3\):\n  lesson-\d+ +\[failed\] +the tests timed out  \(wf-2\)\n  lesson-\d+ +\[worked\] +parallel tasks  \(wf-1\)\n  lesson-\d+ +\[lesson\] +keep tasks small  \(wf-1\)\n/);
    assert.match(t.out, /\n  coder +2\/2 100%  implement 1\/1, test 1\/1\n  tester +0\/1 +0%  test 0\/1\n/);
    assert.match(t.out, /Recent failures \(1\):\n  outcome-\d+ +tester on test task t1 of wf-2: timeout: tester ran out of time\n/);
    assert.match(t.out, /Forget an entry with: baton memory delete <id>\n$/);
  });

  it('--json prints one object with the same entries', async () => {
    await remember();
    const t = io(repo);
    assert.equal(await runCli(['memory', '--json', '--repo', repo], { ...t, cwd: '/' }), 0, t.err);
    const report = JSON.parse(t.out) as MemoryReport;
    assert.deepEqual(report.lessons.map((l) => l.text), ['the tests timed out', 'parallel tasks', 'keep tasks small']);
    assert.deepEqual(report.agents.map((a) => [a.agentId, a.succeeded, a.failed]), [['coder', 2, 0], ['tester', 0, 1]]);
    assert.deepEqual(report.failures.map((f) => [f.agentId, f.errorKind]), [['tester', 'timeout']]);
  });

  it('delete <id> forgets that entry only', async () => {
    await remember();
    let t = io(repo);
    await runCli(['memory', '--json'], t);
    const before = JSON.parse(t.out) as MemoryReport;
    const lesson = before.lessons.find((l) => l.text === 'keep tasks small')!;
    const failure = before.failures[0]!;
    for (const id of [lesson.id, failure.id]) {
      t = io(repo);
      assert.equal(await runCli(['memory', 'delete', id], t), 0, t.err);
      assert.equal(t.out, `Deleted ${id}.\n`);
    }
    t = io(repo);
    await runCli(['memory', '--json'], t);
    const after = JSON.parse(t.out) as MemoryReport;
    assert.deepEqual(after.lessons.map((l) => l.text), ['the tests timed out', 'parallel tasks']);
    assert.deepEqual(after.failures, []);
    assert.deepEqual(after.agents.map((a) => [a.agentId, a.succeeded, a.failed]), [['coder', 2, 0]]);
  });

  it('usage errors exit 2 with what to type instead', async () => {
    await remember();
    const cases: [string[], RegExp][] = [
      [['memory', 'delete'], /^baton: "baton memory delete" needs the id of an entry, e.g\. lesson-3 or outcome-7 \(baton memory lists them\)\. Use: baton memory \[--json\]/],
      [['memory', 'forget', 'lesson-1'], /^baton: unknown memory action "forget"\. Use: baton memory \[--json\] to list what was learned, or baton memory delete <id>/],
      [['memory', 'delete', 'lesson-999'], /^baton: There is no memory entry "lesson-999"\. List the entries and their ids with: baton memory\n$/],
      [['memory', 'delete', 'everything'], /^baton: There is no memory entry "everything"\./],
      [['memory', 'delete', 'a', 'b'], /"memory" takes 0 to 2 arguments, got 3/],
      [['memory', '--frob'], /Unknown option '--frob'/],
    ];
    for (const [args, message] of cases) {
      const t = io(repo);
      assert.equal(await runCli(args, t), 2, args.join(' '));
      assert.match(t.err, message, args.join(' '));
    }
    const t = io(repo);
    await runCli(['memory', '--json'], t);
    assert.equal((JSON.parse(t.out) as MemoryReport).lessons.length, 3, 'a usage error deleted nothing');
  });

  it('is in the help text', async () => {
    const t = io(repo);
    assert.equal(await runCli(['--help'], t), 0);
    assert.match(t.out, /baton memory \[--json\] \| memory delete <id>/);
  });
});
