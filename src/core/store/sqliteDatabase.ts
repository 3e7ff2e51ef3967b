import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { batonMigrations } from './batonMigrations';
import { applyMigrations, latestVersion } from './schemaMigrations';
import type { Migration } from './schemaMigrations';
import { StoreError, sqliteBusy, sqliteCorrupt, sqliteErrorCode, sqliteNotADatabase } from './storeError';

// node:sqlite (built in from Node 22.13) rather than a native addon or WASM: the measurements behind this are
// in docs/decisions/0005-sqlite-store.md. Settings, each for a measured reason:
// - WAL: readers never block the writer, and the CLI and several VS Code windows share one file;
// - busy_timeout 5 s: with the default 0, ~13% of concurrent writes failed with SQLITE_BUSY;
// - synchronous=NORMAL: in WAL mode a power cut may lose the last commits but never corrupts the file; a
//   process crash loses nothing. Callers for whom a lost last commit matters ask for FULL.

/** A value bound to a `?`. `undefined` is stored as NULL (LangGraph passes it, e.g. for a missing parent id). */
export type SqlParam = SQLInputValue | undefined;

export interface OpenDatabaseOptions {
  /** The schema to bring the file to; Baton's own by default. */
  readonly migrations?: readonly Migration[];
  readonly synchronous?: 'NORMAL' | 'FULL';
  readonly busyTimeoutMs?: number;
}

/** Where Baton keeps its database, `batonDir` being the repository's `.git/baton`. */
export function batonDatabasePath(batonDir: string): string {
  return join(batonDir, 'baton.db');
}

/** One open SQLite file: prepared statements are cached, writes go through `transaction`. */
export class SqliteDatabase {
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;
  private closed = false;

  private constructor(
    /** The file, as given to `open`. */
    readonly path: string,
    private readonly db: DatabaseSync,
  ) {}

  /**
   * Opens (creating it and its folder if needed) and migrates a database. A file that is not a SQLite
   * database, or that a newer Baton wrote, is refused with a StoreError and left exactly as it was.
   */
  static open(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
    const sqlite = loadSqlite();
    const migrations = options.migrations ?? batonMigrations;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let raw: DatabaseSync;
    try {
      raw = new sqlite.DatabaseSync(path);
    } catch (error) {
      throw describeOpenError(path, error);
    }
    const database = new SqliteDatabase(path, raw);
    try {
      database.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
      // The first read of the file: a file that is not a database fails here, before anything is written.
      const found = database.userVersion;
      const known = latestVersion(migrations);
      if (found > known) {
        throw new StoreError(
          'newer-schema',
          `${path} was written by a newer Baton (schema ${found}, this build knows ${known}): update Baton. The file was not changed.`,
        );
      }
      database.enableWal();
      database.exec(`PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'}`);
      database.exec('PRAGMA foreign_keys = ON');
      applyMigrations(database, migrations);
    } catch (error) {
      raw.close();
      throw describeOpenError(path, error);
    }
    return database;
  }

  /** The schema version recorded in the file (the number of migrations applied). */
  get userVersion(): number {
    return Number(this.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0);
  }

  /** A prepared statement, prepared once per SQL text for the life of the connection. */
  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  run(sql: string, ...params: SqlParam[]): { changes: number; lastInsertRowid: number } {
    const result = this.statement(sql).run(...bind(params));
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** The first row, typed by the caller after the columns its SQL selects. */
  get<Row>(sql: string, ...params: SqlParam[]): Row | undefined {
    return this.statement(sql).get(...bind(params)) as Row | undefined;
  }

  all<Row>(sql: string, ...params: SqlParam[]): Row[] {
    return this.statement(sql).all(...bind(params)) as Row[];
  }

  /** Runs SQL without parameters (schema, pragmas). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /**
   * Runs `fn` in one transaction: BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy timeout),
   * so a transaction never fails half-way because another process started writing. A nested call becomes a
   * savepoint. `fn` must be synchronous: an await would let other work run inside the transaction.
   */
  transaction<T>(fn: () => T): T {
    const savepoint = this.depth > 0 ? `baton_${this.depth}` : undefined;
    this.db.exec(savepoint === undefined ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.depth += 1;
    try {
      const result = fn();
      if (isPromiseLike(result)) {
        throw new Error('A database transaction was given an async function: do the async work (serializing, I/O) first, then write in a synchronous function.');
      }
      this.db.exec(savepoint === undefined ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.rollback(savepoint);
      throw error;
    } finally {
      this.depth -= 1;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }

  /**
   * Switches the file to WAL once for all connections. Two processes creating the database together both try;
   * SQLite then answers SQLITE_BUSY at once instead of waiting (waiting could deadlock two switchers), so on BUSY
   * an exclusive transaction waits, within the busy timeout, for the other to let go, and the switch is retried.
   */
  private enableWal(): void {
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        if (this.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode === 'wal') return;
        const mode = this.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL')?.journal_mode;
        if (mode === 'wal' || mode === 'memory') return;
      } catch (error) {
        if (sqliteErrorCode(error) !== sqliteBusy) throw error;
      }
      this.db.exec('BEGIN EXCLUSIVE');
      this.db.exec('COMMIT');
    }
    throw new Error('other processes kept it locked while Baton switched it to WAL mode; close other Baton windows and try again');
  }

  private rollback(savepoint: string | undefined): void {
    try {
      this.db.exec(savepoint === undefined ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    } catch {
      // SQLite already rolled back on its own (it does after SQLITE_FULL or SQLITE_IOERR); the original error matters.
    }
  }
}

type SqliteModule = typeof import('node:sqlite');

/** node:sqlite, loaded so that an older runtime gets a sentence instead of ERR_UNKNOWN_BUILTIN_MODULE. */
function loadSqlite(): SqliteModule {
  let sqlite: SqliteModule | undefined;
  try {
    sqlite = process.getBuiltinModule?.('node:sqlite');
  } catch {
    sqlite = undefined;
  }
  if (sqlite === undefined) {
    throw new StoreError(
      'sqlite-unavailable',
      `Baton needs node:sqlite (Node.js 22.13+); this runtime is Node ${process.version}. Run Baton with Node.js 24, or update VS Code.`,
    );
  }
  return sqlite;
}

function describeOpenError(path: string, error: unknown): Error {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = sqliteErrorCode(error);
  if (code === sqliteNotADatabase || code === sqliteCorrupt) {
    return new StoreError(
      'not-a-database',
      `${path} is not a usable Baton database (SQLite: ${message}). Baton left the file as it is. ` +
        `Move it aside (e.g. rename it to ${basename(path)}.broken) and Baton will start a new, empty database; ` +
        'the workflows stored in the old file cannot be resumed.',
      { cause: error },
    );
  }
  return new StoreError('cannot-open', `Baton could not open its database ${path}: ${message}. Check that the folder exists and is writable.`, { cause: error });
}

function bind(params: readonly SqlParam[]): SQLInputValue[] {
  return params.map((param) => (param === undefined ? null : param));
}

function isPromiseLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}
