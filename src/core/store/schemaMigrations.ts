import type { SqliteDatabase } from './sqliteDatabase';
import { StoreError } from './storeError';

/**
 * One step of a database's schema. `version` is its place in the list (1, 2, ...): the database records the
 * last version applied in `PRAGMA user_version`, so a step runs exactly once per file.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  /** SQL to run, or a function for steps that need to read data; it must be synchronous. */
  readonly up: string | ((db: SqliteDatabase) => void);
}

/** The newest schema version a list of migrations produces. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length;
}

/**
 * Applies the migrations a database has not seen yet, each in its own transaction.
 * The version is read again inside each transaction: two processes (two VS Code windows, the CLI) may open a new
 * database at the same moment, and the second must see the first one's work instead of repeating it.
 */
export function applyMigrations(db: SqliteDatabase, migrations: readonly Migration[]): number {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration "${migration.description}" is numbered ${migration.version} but sits at position ${index + 1}: number migrations 1, 2, 3... in order.`);
    }
  });
  let applied = 0;
  for (const migration of migrations) {
    if (db.userVersion >= migration.version) continue;
    try {
      db.transaction(() => {
        if (db.userVersion >= migration.version) return;
        if (typeof migration.up === 'string') db.exec(migration.up);
        else migration.up(db);
        // PRAGMA takes no bound parameters; the version is an integer we control.
        db.exec(`PRAGMA user_version = ${migration.version}`);
        applied += 1;
      });
    } catch (error) {
      // A lock held too long, a full disk or a damaged file: not a bug of the step, and already explained.
      if (error instanceof StoreError) throw error;
      throw new StoreError(
        'migration-failed',
        `Updating ${db.path} to schema ${migration.version} (${migration.description}) failed: ${error instanceof Error ? error.message : String(error)}. ` +
          `The file stays at schema ${migration.version - 1} (that step was rolled back); please report this as a Baton bug.`,
        { cause: error },
      );
    }
  }
  return applied;
}
