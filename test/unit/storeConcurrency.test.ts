import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';

const root = join(import.meta.dirname, '..', '..');
const rowsMigration = { version: 1, description: 'rows', up: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, n INTEGER NOT NULL)' };

// Two VS Code windows and the CLI may write baton.db at the same time. Three real processes open a NEW database
// together (racing through creation, the switch to WAL and the migrations: this race once failed with "database
// is locked"), each writes a row and waits until it sees another's, then all write many small transactions
// at once.
const writerScript = (perWriter: number): string => `
  const { SqliteDatabase } = await import(${JSON.stringify(join(root, 'src/core/store/sqliteDatabase.ts'))});
  const migrations = [${JSON.stringify(rowsMigration)}];
  const writer = process.env.WRITER;
  process.stdout.write('ready\\n');
  process.stdin.once('data', () => {
    const db = SqliteDatabase.open(process.env.DB_PATH, { migrations });
    let written = 0;
    let busy = 0;
    const write = () => {
      for (;;) {
        try {
          db.transaction(() => db.run('INSERT INTO rows (writer, n) VALUES (?, ?)', writer, written));
          written++;
          return;
        } catch (error) {
          if ((error.errcode & 0xff) !== 5) throw error;
          busy++;
        }
      }
    };
    // One row, then wait (reading, which takes no lock) until another writer's row is there, then the
    // rest: the writers provably overlap, and none can starve the others by taking the write lock in
    // a tight loop before they got in. The deadline only guards against a crashed partner.
    write();
    const deadline = Date.now() + 60_000;
    let sawOther = false;
    while (!sawOther && Date.now() < deadline) sawOther = db.get('SELECT 1 AS found FROM rows WHERE writer <> ? LIMIT 1', writer) !== undefined;
    while (written < ${perWriter}) write();
    db.close();
    process.stdout.write(JSON.stringify({ writer, written, busy, sawOther }) + '\\n');
    process.exit(0);
  });`;

describe('store: processes writing one database', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'baton-db-concurrent-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every row of three writers that start together on a new file, with no SQLITE_BUSY error', async () => {
    const path = join(dir, '.git', 'baton', 'baton.db');
    const writers = ['a', 'b', 'c'].map((writer) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writerScript(2000)], {
        cwd: root,
        env: { ...process.env, DB_PATH: path, WRITER: writer },
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const outputs = writers.map((child) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return () => text;
    });
    // Start them together: process start-up takes far longer than the writing.
    await Promise.all(writers.map((child) => once(child.stdout, 'data')));
    const exits = writers.map((child) => once(child, 'exit'));
    for (const child of writers) child.stdin.write('go\n');
    const codes = await Promise.all(exits);
    assert.deepEqual(codes.map(([code]) => code), [0, 0, 0], `writer output: ${outputs.map((output) => output()).join(' | ')}`);

    const reports = outputs.map((output) => JSON.parse(output().trim().split('\n').at(-1) ?? '{}') as { writer: string; written: number; busy: number; sawOther: boolean });
    assert.deepEqual(reports.map((report) => report.busy), [0, 0, 0], 'SQLITE_BUSY errors');
    assert.deepEqual(reports.map((report) => report.sawOther), [true, true, true], 'a writer never saw another one writing');

    const db = SqliteDatabase.open(path, { migrations: [rowsMigration] });
    try {
      for (const report of reports) {
        const rows = db.all<{ n: number }>('SELECT n FROM rows WHERE writer = ? ORDER BY id', report.writer).map((row) => row.n);
        assert.ok(report.written >= 2000);
        assert.deepEqual(rows, Array.from({ length: report.written }, (_, i) => i), `rows of writer ${report.writer}`);
      }
      assert.equal(db.userVersion, 1);
    } finally {
      db.close();
    }
  });
});
