import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batonMigrations } from '../../src/core/store/batonMigrations';
import type { Migration } from '../../src/core/store/schemaMigrations';
import { SqliteDatabase, batonDatabasePath } from '../../src/core/store/sqliteDatabase';
import { StoreError } from '../../src/core/store/storeError';

const notes: Migration = { version: 1, description: 'notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' };
const tags: Migration = { version: 2, description: 'tags', up: 'CREATE TABLE tags (note INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL)' };

function tables(db: SqliteDatabase): string[] {
  return db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((row) => row.name);
}

function storeError(problem: StoreError['problem'], message: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
    assert.equal(error.problem, problem);
    assert.match(error.message, message);
    return true;
  };
}

describe('store: SQLite database', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'baton-db-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives at <batonDir>/baton.db', () => {
    assert.equal(batonDatabasePath('/repo/.git/baton'), join('/repo/.git/baton', 'baton.db'));
  });

  it("creates the file and its folders, in WAL mode with a busy timeout, and applies Baton's schema", () => {
    const path = join(dir, '.git', 'baton', 'baton.db');
    const db = SqliteDatabase.open(path);
    try {
      assert.ok(existsSync(path));
      assert.equal(db.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode, 'wal');
      assert.equal(db.get<{ timeout: number }>('PRAGMA busy_timeout')?.timeout, 5000);
      assert.equal(db.get<{ synchronous: number }>('PRAGMA synchronous')?.synchronous, 1, 'NORMAL');
      assert.equal(db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')?.foreign_keys, 1);
      assert.equal(db.userVersion, batonMigrations.length);
      for (const table of ['checkpoint_blobs', 'checkpoint_writes', 'checkpoints']) assert.ok(tables(db).includes(table), table);
    } finally {
      db.close();
    }
  });

  it('applies each migration once, in order, and only the new ones on a later open', () => {
    const path = join(dir, 'baton.db');
    const runs: string[] = [];
    const counted = (migration: Migration): Migration => ({
      ...migration,
      up: (db) => {
        runs.push(migration.description);
        if (typeof migration.up === 'string') db.exec(migration.up);
      },
    });
    SqliteDatabase.open(path, { migrations: [counted(notes)] }).close();
    SqliteDatabase.open(path, { migrations: [counted(notes)] }).close();
    const db = SqliteDatabase.open(path, { migrations: [counted(notes), counted(tags)] });
    try {
      assert.deepEqual(runs, ['notes', 'tags']);
      assert.equal(db.userVersion, 2);
      assert.deepEqual(tables(db), ['notes', 'tags']);
    } finally {
      db.close();
    }
    SqliteDatabase.open(path, { migrations: [counted(notes), counted(tags)] }).close();
    assert.deepEqual(runs, ['notes', 'tags']);
  });

  it('rolls a failing migration back entirely and keeps the version before it', () => {
    const path = join(dir, 'baton.db');
    const broken: Migration = { version: 2, description: 'broken', up: 'CREATE TABLE half (x); INSERT INTO missing VALUES (1);' };
    assert.throws(
      () => SqliteDatabase.open(path, { migrations: [notes, broken] }),
      storeError('migration-failed', /to schema 2 \(broken\) failed: no such table: missing\. The file stays at schema 1 /),
    );
    const db = SqliteDatabase.open(path, { migrations: [notes] });
    try {
      assert.equal(db.userVersion, 1);
      assert.deepEqual(tables(db), ['notes']);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer Baton and leaves the file untouched', () => {
    const path = join(dir, 'baton.db');
    const newer = SqliteDatabase.open(path, { migrations: [notes, tags] });
    newer.run('INSERT INTO notes (text) VALUES (?)', 'from the future');
    newer.close();
    const before = { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs, files: readdirSync(dir) };

    assert.throws(
      () => SqliteDatabase.open(path, { migrations: [notes] }),
      storeError('newer-schema', /baton\.db was written by a newer Baton \(schema 2, this build knows 1\): update Baton/),
    );
    assert.ok(readFileSync(path).equals(before.bytes), 'the file changed');
    assert.equal(statSync(path).mtimeMs, before.mtimeMs);
    assert.deepEqual(readdirSync(dir), before.files);
  });

  it('names a file that is not a database, and never replaces it', () => {
    const path = join(dir, 'baton.db');
    const garbage = Buffer.concat(Array.from({ length: 128 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    writeFileSync(path, garbage);

    for (let attempt = 0; attempt < 2; attempt++) {
      assert.throws(
        () => SqliteDatabase.open(path),
        storeError('not-a-database', /baton\.db is damaged or is not a Baton database \(SQLite: file is not a database\)\. Baton left the file as it is and wrote nothing over it\. .* move it aside/),
      );
    }
    assert.ok(readFileSync(path).equals(garbage), 'the file changed');
    assert.deepEqual(readdirSync(dir), ['baton.db']);
  });

  it('says which Node it needs when node:sqlite is missing', () => {
    const original = process.getBuiltinModule;
    process.getBuiltinModule = (() => undefined) as typeof process.getBuiltinModule;
    try {
      assert.throws(
        () => SqliteDatabase.open(join(dir, 'baton.db')),
        storeError('sqlite-unavailable', new RegExp(`^Baton needs node:sqlite \\(Node\\.js 22\\.13\\+\\); this runtime is Node ${process.version.replace(/\./g, '\\.')}`)),
      );
    } finally {
      process.getBuiltinModule = original;
    }
    assert.equal(existsSync(join(dir, 'baton.db')), false);
  });

  describe('transactions', () => {
    let db: SqliteDatabase;
    const texts = (): string[] => db.all<{ text: string }>('SELECT text FROM notes ORDER BY id').map((row) => row.text);
    beforeEach(() => (db = SqliteDatabase.open(join(dir, 'baton.db'), { migrations: [notes] })));
    afterEach(() => db.close());

    it('commits what the function wrote and returns its result', () => {
      const id = db.transaction(() => db.run('INSERT INTO notes (text) VALUES (?)', 'kept').lastInsertRowid);
      assert.equal(id, 1);
      assert.deepEqual(texts(), ['kept']);
    });

    it('rolls everything back when the function throws', () => {
      assert.throws(() => db.transaction(() => {
        db.run('INSERT INTO notes (text) VALUES (?)', 'lost');
        throw new Error('boom');
      }), /boom/);
      assert.deepEqual(texts(), []);
    });

    it('makes a nested call a savepoint: its failure undoes only its own writes', () => {
      db.transaction(() => {
        db.run('INSERT INTO notes (text) VALUES (?)', 'outer');
        assert.throws(() => db.transaction(() => {
          db.run('INSERT INTO notes (text) VALUES (?)', 'inner');
          throw new Error('inner failed');
        }));
      });
      assert.deepEqual(texts(), ['outer']);
    });

    it('refuses an async function, writing nothing', () => {
      assert.throws(
        () => db.transaction(() => Promise.resolve(db.run('INSERT INTO notes (text) VALUES (?)', 'async'))),
        /given an async function: do the async work \(serializing, I\/O\) first/,
      );
      assert.deepEqual(texts(), []);
    });

    it('stores undefined parameters as NULL', () => {
      db.exec('CREATE TABLE maybe (value TEXT)');
      db.run('INSERT INTO maybe (value) VALUES (?)', undefined);
      assert.deepEqual({ ...db.get<{ value: string | null }>('SELECT value FROM maybe') }, { value: null });
    });

    it('prepares each statement once', () => {
      assert.equal(db.statement('SELECT count(*) FROM notes'), db.statement('SELECT count(*) FROM notes'));
    });
  });
});
