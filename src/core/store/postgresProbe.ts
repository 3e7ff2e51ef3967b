import pg from 'pg';
import { describePostgresError, postgresTarget } from './postgresConnection';
import type { PostgresTarget } from './postgresConnection';
import { postgresSchema } from './postgresMigrations';

export interface PostgresProbe {
  target: PostgresTarget;
  /** e.g. "15.8". */
  serverVersion: string;
  /** The Baton schema version found, 0 for a database Baton has not set up yet. */
  schemaVersion: number;
}

/**
 * Connects once and reads the server's version and Baton's schema version, changing nothing (for `baton doctor`).
 * A failure is the same BatonError opening the store would give.
 */
export async function probePostgres(url: string, timeoutMs = 5000): Promise<PostgresProbe> {
  const target = postgresTarget(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // Without a listener, a connection the server drops later would be an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const table = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [`${postgresSchema}.schema_migrations`]);
    const schemaVersion = table.rows[0]?.found
      ? Number((await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${postgresSchema}.schema_migrations`)).rows[0]?.v ?? 0)
      : 0;
    return { target, serverVersion: version.rows[0]?.server_version ?? '?', schemaVersion };
  } catch (error) {
    throw describePostgresError(target, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
