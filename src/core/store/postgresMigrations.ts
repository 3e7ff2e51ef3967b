import type pg from 'pg';
import { StoreError } from './storeError';

// Baton's tables in a shared PostgreSQL live in their own schema, so they never collide with a team's other
// tables; LangGraph's PostgresSaver is given the same schema for its checkpoint tables.
export const postgresSchema = 'baton';

export interface PostgresMigration {
  readonly version: number;
  readonly description: string;
  readonly up: string;
}

// The operational records, column for column the SQLite ones (batonMigrations.ts) so both backends answer alike.
// Timestamps stay ISO-8601 text, as Baton writes them: ordering by them is ordering by time, and a record reads
// back exactly as it was written. Append new steps at the end; never edit a released one.
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'workflow records and pending approval decisions',
    up: `
CREATE TABLE ${postgresSchema}.workflows (
  id TEXT PRIMARY KEY,
  task TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  budget_usd DOUBLE PRECISION NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  base_commit TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  current_step TEXT,
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  summary TEXT,
  error TEXT,
  runner_pid INTEGER,
  -- Several machines share this table: a pid only means something on the machine that wrote it.
  runner_host TEXT
);
CREATE INDEX workflows_by_created ON ${postgresSchema}.workflows (created_at);

CREATE TABLE ${postgresSchema}.approval_decisions (
  workflow_id TEXT NOT NULL REFERENCES ${postgresSchema}.workflows (id) ON DELETE CASCADE,
  approval_id TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  reason TEXT,
  decided_at TEXT NOT NULL,
  PRIMARY KEY (workflow_id, approval_id)
);`,
  },
  {
    version: 2,
    description: 'run settings, token budgets, honest progress and budgets chosen at approval',
    up: `
ALTER TABLE ${postgresSchema}.workflows ADD COLUMN budget_tokens BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ${postgresSchema}.workflows ADD COLUMN run_settings TEXT;
ALTER TABLE ${postgresSchema}.workflows ADD COLUMN progress_failed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ${postgresSchema}.workflows ADD COLUMN progress_not_run INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ${postgresSchema}.approval_decisions ADD COLUMN budget_usd DOUBLE PRECISION;`,
  },
];

// Any 64-bit number, the same in every Baton: it serializes schema changes between processes and machines.
const migrationLock = 0x6261746f6e; // "baton"

/**
 * Brings the `baton` schema to the newest version, then lets `afterwards` (LangGraph's own setup) run under the
 * same lock. Several machines may start Baton on a new database at once: a session advisory lock makes them take
 * turns, so each step runs once, and the version is read after the lock is held. A database already at a newer
 * version (a newer Baton wrote it) is refused and left untouched.
 */
export async function migratePostgres(client: pg.ClientBase, afterwards: () => Promise<void>, migrations: readonly PostgresMigration[] = postgresMigrations): Promise<number> {
  await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${postgresSchema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${postgresSchema}.schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const found = Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${postgresSchema}.schema_migrations`)).rows[0]?.v ?? 0);
    if (found > migrations.length) {
      throw new StoreError('newer-schema', `This PostgreSQL database was set up by a newer Baton (schema ${found}, this build knows ${migrations.length}): update Baton on this machine. Nothing was changed.`);
    }
    for (const migration of migrations.slice(found)) {
      try {
        await client.query('BEGIN');
        await client.query(migration.up);
        await client.query(`INSERT INTO ${postgresSchema}.schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)`, [migration.version, migration.description, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StoreError(
          'migration-failed',
          `Updating Baton's PostgreSQL schema to version ${migration.version} (${migration.description}) failed: ${error instanceof Error ? error.message : String(error)}. ` +
            `The database stays at version ${migration.version - 1} (that step was rolled back); please report this as a Baton bug.`,
          { cause: error },
        );
      }
    }
    await afterwards();
    return migrations.length - found;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => undefined);
  }
}
