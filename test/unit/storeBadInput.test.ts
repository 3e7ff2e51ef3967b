import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runCli } from '../../src/cli/program';
import { BatonError } from '../../src/core/errors';
import { batonMigrations } from '../../src/core/store/batonMigrations';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { SqliteWorkflowRecords } from '../../src/core/store/sqliteWorkflowRecords';
import { StoreError } from '../../src/core/store/storeError';
import type { WorkflowRecord } from '../../src/core/workflowRecords';
import { makeRepo } from '../support/repoBuilder';

function record(id: string, task = `task of ${id}`): WorkflowRecord {
  const now = new Date().toISOString();
  return { id, task, mode: 'centralized', status: 'running', budgetUsd: 2, budgetTokens: 0, costUsd: 0, baseCommit: 'abc', createdAt: now, updatedAt: now, progress: { done: 0, failed: 0, notRun: 0, total: 3 } };
}

function storeError(problem: StoreError['problem'], message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.ok(error instanceof BatonError, 'a StoreError is a BatonError, so the CLI and the extension report it without a stack');
    assert.equal(error.problem, problem);
    assert.match(error.message, message);
    return true;
  };
}

/** A real Baton database with `count` workflows whose tasks are long enough to fill many pages. */
async function databaseWith(path: string, count: number): Promise<void> {
  const db = SqliteDatabase.open(path);
  const records = new SqliteWorkflowRecords(db);
  for (let i = 0; i < count; i++) await records.create(record(`wf-${i}`, `task ${i} `.repeat(200)));
  db.close();
}

async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

/** Another process holding the database: it says "held" once it has the lock, and lets go when its stdin closes. */
async function holder(path: string, sql: string): Promise<ChildProcessWithoutNullStreams> {
  const script = `const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(${JSON.stringify(path)});
db.exec(${JSON.stringify(sql)});
process.stdout.write('held\\n');
process.stdin.on('end', () => { db.close(); process.exit(0); });
process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script]);
  await new Promise<void>((held, failed) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && held());
    child.on('exit', (code) => failed(new Error(`the lock holder exited ${code}`)));
  });
  return child;
}

async function release(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  child.stdin.end();
  await exited;
}

describe('store: bad input for the SQLite file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-bad-db-'));
    path = join(dir, 'baton.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('a corrupt file', () => {
    it('of garbage bytes is refused with the commands to move it aside, and never replaced', () => {
      const garbage = Buffer.alloc(64 * 1024, 0x5a);
      writeFileSync(path, garbage);
      for (let attempt = 0; attempt < 2; attempt++) {
        assert.throws(() => SqliteDatabase.open(path), storeError('not-a-database',
          /baton\.db is damaged or is not a Baton database \(SQLite: file is not a database\)\. Baton left the file as it is and wrote nothing over it\. .*move it aside: mv ".*baton\.db" ".*baton\.db\.corrupt-\d{8}T\d{6}Z"/));
      }
      assert.ok(readFileSync(path).equals(garbage), 'the file changed');
      assert.deepEqual(readdirSync(dir), ['baton.db'], 'no backup and no new database were made');
    });

    it('that was truncated is refused at open; following the message keeps a backup and starts afresh', async () => {
      await databaseWith(path, 60);
      const full = statSync(path).size;
      truncateSync(path, Math.floor(full / 2 / 4096) * 4096);
      const truncated = readFileSync(path);

      const error = await caught(() => SqliteDatabase.open(path));
      storeError('not-a-database', /database disk image is malformed.*close every Baton \(VS Code windows, CLI\) and move it aside/)(error);
      assert.ok(readFileSync(path).equals(truncated), 'the file changed');
      assert.deepEqual(readdirSync(dir), ['baton.db']);

      // The user follows the advice, word for word.
      const commands = /move it aside: (.*?)\. Keep that copy/.exec((error as Error).message)![1]!;
      execFileSync('sh', ['-c', commands]);
      const backup = readdirSync(dir).find((f) => f.startsWith('baton.db.corrupt-'));
      assert.ok(backup, 'the backup copy is there');
      assert.ok(readFileSync(join(dir, backup)).equals(truncated), 'the backup holds the damaged bytes');
      const fresh = SqliteDatabase.open(path);
      try {
        assert.deepEqual(await new SqliteWorkflowRecords(fresh).list(), []);
      } finally {
        fresh.close();
      }
    });

    it('damaged in the middle is reported when the damage is read, and the file is left as it was', async () => {
      await databaseWith(path, 60);
      const db0 = new DatabaseSync(path);
      const pageSize = Number((db0.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
      const pages = Number((db0.prepare('PRAGMA page_count').get() as { page_count: number }).page_count);
      db0.close();
      // Overwrite every page but the first (schema and header) in the second half: the workflows table's pages.
      const fd = openSync(path, 'r+');
      for (let page = Math.floor(pages / 2); page < pages; page++) writeSync(fd, Buffer.alloc(pageSize, 0xa7), 0, pageSize, page * pageSize);
      closeSync(fd);
      const damaged = readFileSync(path);

      const error = await caught(async () => {
        const db = SqliteDatabase.open(path);
        try {
          await new SqliteWorkflowRecords(db).list();
        } finally {
          db.close();
        }
      });
      storeError('not-a-database', /is damaged or is not a Baton database \(SQLite: database disk image is malformed\).*the workflows stored in it cannot be resumed/)(error);
      assert.ok(readFileSync(path).equals(damaged), 'the file changed');
      assert.deepEqual(readdirSync(dir).filter((f) => f.includes('corrupt')), []);
    });
  });

  describe('a database locked by another process', () => {
    it('beyond the busy timeout on a write: names the file and the other Baton; the write can be retried', async () => {
      await databaseWith(path, 1);
      const other = await holder(path, 'PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE; INSERT INTO lessons (workflow_id, lesson, created_at) VALUES (\'x\', \'y\', \'z\');');
      const db = SqliteDatabase.open(path, { busyTimeoutMs: 200 });
      try {
        const records = new SqliteWorkflowRecords(db);
        const error = await caught(() => records.create(record('wf-new')));
        storeError('locked', /baton\.db is locked by another process: another Baton \(a VS Code window or a `baton` command\) held it for more than 0\.2 s\. Wait for that one to finish, or close it, then try again\. Nothing was changed\./)(error);
        assert.deepEqual((await records.list()).map((r) => r.id), ['wf-0'], 'readers are not blocked and nothing was written');
        await release(other);
        await records.create(record('wf-new'));
        assert.deepEqual((await records.list()).map((r) => r.id).sort(), ['wf-0', 'wf-new']);
      } finally {
        db.close();
      }
    });

    it('held exclusively at open: says so instead of failing obscurely, and changes nothing', async () => {
      await databaseWith(path, 1);
      const other = await holder(path, 'PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT; SELECT count(*) FROM workflows;');
      try {
        assert.throws(() => SqliteDatabase.open(path, { busyTimeoutMs: 200 }), storeError('locked', /baton\.db is locked by another process: another Baton/));
      } finally {
        await release(other);
      }
      const db = SqliteDatabase.open(path);
      try {
        assert.deepEqual((await new SqliteWorkflowRecords(db).list()).map((r) => r.id), ['wf-0']);
      } finally {
        db.close();
      }
    });
  });

  describe('a database written by a newer Baton', () => {
    function newer(): Buffer {
      const raw = new DatabaseSync(path);
      raw.exec(`PRAGMA journal_mode = DELETE; CREATE TABLE future (x); PRAGMA user_version = ${batonMigrations.length + 1}`);
      raw.close();
      return readFileSync(path);
    }

    it('is refused with "update Baton", and not a byte changes', () => {
      const before = newer();
      const mtimeMs = statSync(path).mtimeMs;
      assert.throws(() => SqliteDatabase.open(path), storeError('newer-schema',
        new RegExp(`baton\\.db was written by a newer Baton \\(schema ${batonMigrations.length + 1}, this build knows ${batonMigrations.length}\\): update Baton\\. The file was not changed\\.`)));
      assert.ok(readFileSync(path).equals(before));
      assert.equal(statSync(path).mtimeMs, mtimeMs);
      assert.deepEqual(readdirSync(dir), ['baton.db']);
    });

    it('makes `baton list` exit 1 with that sentence and no stack trace', async () => {
      const repo = makeRepo();
      try {
        path = join(repo, '.git', 'baton', 'baton.db');
        mkdirSync(join(repo, '.git', 'baton'), { recursive: true });
        const before = newer();
        let out = '';
        let err = '';
        const code = await runCli(['list', '--repo', repo], { cwd: repo, env: {}, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
        assert.equal(code, 1);
        assert.equal(out, '');
        assert.match(err, /^baton: .*baton\.db was written by a newer Baton .*: update Baton\. The file was not changed\.\n$/);
        assert.doesNotMatch(err, /\bat .*\(.*:\d+:\d+\)/);
        assert.ok(readFileSync(path).equals(before));
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    });
  });

  describe('a full disk', () => {
    /** Caps the file at its current size, the way a full disk would (max_page_count holds for this connection). */
    function fill(db: SqliteDatabase): void {
      const pages = db.get<{ page_count: number }>('PRAGMA page_count')!.page_count;
      db.exec(`PRAGMA max_page_count = ${pages}`);
    }

    it('a write that needs space fails with a clear message; what was saved before stays readable', async () => {
      await databaseWith(path, 3);
      const db = SqliteDatabase.open(path);
      try {
        const records = new SqliteWorkflowRecords(db);
        fill(db);
        const error = await caught(() => records.create(record('wf-big', 'a long task '.repeat(5000))));
        storeError('disk-full', /Baton could not write to .*baton\.db: the disk is full \(SQLite: database or disk is full\)\. That write was rolled back; everything saved before it is intact\. Free some space on that disk, then go on/)(error);
        assert.deepEqual((await records.list()).map((r) => r.id).sort(), ['wf-0', 'wf-1', 'wf-2']);
      } finally {
        db.close();
      }
      const again = SqliteDatabase.open(path);
      try {
        assert.equal(again.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check, 'ok');
        assert.deepEqual((await new SqliteWorkflowRecords(again).list()).map((r) => r.id).sort(), ['wf-0', 'wf-1', 'wf-2']);
      } finally {
        again.close();
      }
    });

    it('a transaction cut short by it keeps none of its rows, and the same connection writes again once there is room', async () => {
      await databaseWith(path, 1);
      const db = SqliteDatabase.open(path);
      try {
        fill(db);
        assert.throws(() => db.transaction(() => {
          for (let i = 0; i < 50; i++) db.run('INSERT INTO lessons (workflow_id, lesson, created_at) VALUES (?, ?, ?)', 'wf-0', `lesson ${i} `.repeat(100), 'now');
        }), storeError('disk-full', /the disk is full/));
        assert.equal(db.get<{ n: number }>('SELECT count(*) AS n FROM lessons')?.n, 0);
        db.exec('PRAGMA max_page_count = 1073741823');
        db.run('INSERT INTO lessons (workflow_id, lesson, created_at) VALUES (?, ?, ?)', 'wf-0', 'room again', 'now');
        assert.equal(db.get<{ n: number }>('SELECT count(*) AS n FROM lessons')?.n, 1);
      } finally {
        db.close();
      }
    });
  });
});
