import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { batonMigrations } from './batonMigrations';
import { applyMigrations, latestVersion } from './schemaMigrations';
import type { Migration } from './schemaMigrations';
import { StoreError, sqliteBusy, sqliteCantOpen, sqliteErrorCode, sqliteReadOnly } from './storeError';
import { storeProblemOf } from './storeProblems';

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
    private readonly busyTimeoutMs: number,
  ) {}

  /**
   * Opens (creating it and its folder if needed) and migrates a database. A file that is not a SQLite
   * database, or that a newer Baton wrote, is refused with a StoreError and left exactly as it was.
   */
  static open(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
    const sqlite = loadSqlite();
    const migrations = options.migrations ?? batonMigrations;
    if (path !== ':memory:') {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw cannotWrite(dirname(path), error);
      }
    }
    let raw: DatabaseSync;
    try {
      raw = new sqlite.DatabaseSync(path);
    } catch (error) {
      throw describeOpenError(path, error, options.busyTimeoutMs ?? 5000);
    }
    const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5000);
    const database = new SqliteDatabase(path, raw, busyTimeoutMs);
    try {
      database.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
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
      // Described after closing, so that the advice sees the files as the user will (no -wal left behind).
      const cause = error instanceof StoreError && error.problem === 'not-a-database' ? error.cause : error;
      raw.close();
      throw describeOpenError(path, cause, busyTimeoutMs);
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
    const result = this.guard(() => this.statement(sql).run(...bind(params)));
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** The first row, typed by the caller after the columns its SQL selects. */
  get<Row>(sql: string, ...params: SqlParam[]): Row | undefined {
    return this.guard(() => this.statement(sql).get(...bind(params)) as Row | undefined);
  }

  all<Row>(sql: string, ...params: SqlParam[]): Row[] {
    return this.guard(() => this.statement(sql).all(...bind(params)) as Row[]);
  }

  /** Runs SQL without parameters (schema, pragmas). */
  exec(sql: string): void {
    this.guard(() => this.db.exec(sql));
  }

  /**
   * Turns the failures a user can act on (a damaged file, a lock held too long, a full disk) into a StoreError
   * that says what to do, wherever they surface: damage in a page is only found when that page is read.
   */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw storeProblemOf(this.path, error, this.busyTimeoutMs) ?? error;
    }
  }

  /**
   * Runs `fn` in one transaction: BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy timeout),
   * so a transaction never fails half-way because another process started writing. A nested call becomes a
   * savepoint. `fn` must be synchronous: an await would let other work run inside the transaction.
   */
  transaction<T>(fn: () => T): T {
    const savepoint = this.depth > 0 ? `baton_${this.depth}` : undefined;
    this.exec(savepoint === undefined ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.depth += 1;
    try {
      const result = fn();
      if (isPromiseLike(result)) {
        throw new Error('A database transaction was given an async function: do the async work (serializing, I/O) first, then write in a synchronous function.');
      }
      this.exec(savepoint === undefined ? 'COMMIT' : `RELEASE ${savepoint}`);
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
    // The raw connection: SQLITE_BUSY here is expected and retried, not a problem to report yet.
    const mode = (sql: string) => (this.db.prepare(sql).get() as { journal_mode?: string } | undefined)?.journal_mode;
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        if (mode('PRAGMA journal_mode') === 'wal') return;
        const now = mode('PRAGMA journal_mode = WAL');
        if (now === 'wal' || now === 'memory') return;
      } catch (error) {
        if (sqliteErrorCode(error) !== sqliteBusy) throw error;
      }
      this.exec('BEGIN EXCLUSIVE');
      this.exec('COMMIT');
    }
    throw new StoreError('locked', `${this.path} stayed locked by other processes while Baton switched it to WAL mode: close other Baton windows and try again.`);
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

function describeOpenError(path: string, error: unknown, busyTimeoutMs: number): Error {
  const known = storeProblemOf(path, error, busyTimeoutMs);
  if (known) return known;
  const code = sqliteErrorCode(error);
  // SQLITE_CANTOPEN or SQLITE_READONLY in a folder the user cannot write to: the folder is the problem.
  if ((code === sqliteCantOpen || code === sqliteReadOnly) && !writable(dirname(path))) return cannotWrite(dirname(path), Object.assign(new Error('permission denied'), { code: 'EACCES' }));
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('cannot-open', `Baton could not open its database ${path}: ${message}. Check that the folder exists and is writable.`, { cause: error });
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Baton's folder under the repository's git folder cannot be made or written: a configuration problem (exit 2)
 * with what to do, not an unexpected error.
 */
function cannotWrite(dir: string, error: unknown): StoreError {
  const code = (error as NodeJS.ErrnoException).code;
  const notFolder = code === 'EEXIST' || code === 'ENOTDIR';
  // mkdir fails in the folder above one that does not exist yet.
  const blocked = notFolder || existsSync(dir) ? dir : dirname(dir);
  const what = notFolder ? `${dir} is not a folder` : code === 'EROFS' ? `${blocked} is on a read-only file system` : `you cannot write to ${blocked} (${code ?? (error as Error).message})`;
  const fix = notFolder
    ? `Move it aside (mv "${dir}" "${dir}.old") so Baton can make its folder there.`
    : `Make it writable for you (e.g. chmod u+w "${blocked}"), or run Baton as the user who owns the repository.`;
  return new StoreError('cannot-write', `Baton keeps its database, audit logs and agents' worktrees in ${dir}, inside the repository's git folder, but ${what}. ${fix}`, { cause: error, kind: 'config' });
}

function bind(params: readonly SqlParam[]): SQLInputValue[] {
  return params.map((param) => (param === undefined ? null : param));
}

function isPromiseLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}
