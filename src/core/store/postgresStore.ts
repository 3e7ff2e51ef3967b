import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import pg from 'pg';
import { describePostgresError, postgresTarget } from './postgresConnection';
import type { PostgresTarget } from './postgresConnection';
import { migratePostgres, postgresSchema } from './postgresMigrations';
import { PostgresWorkflowRecords } from './postgresWorkflowRecords';

export interface PostgresStoreOptions {
  /** How long to wait for the server to accept a connection; a silent firewall would otherwise hang Baton. */
  readonly connectTimeoutMs?: number;
}

/**
 * Baton's shared store on PostgreSQL: LangGraph's official PostgresSaver for checkpoints and
 * PostgresWorkflowRecords, both in the `baton` schema and on one connection pool.
 */
export class PostgresStore {
  private closed = false;

  private constructor(
    readonly target: PostgresTarget,
    private readonly pool: pg.Pool,
    readonly checkpointer: PostgresSaver,
    readonly records: PostgresWorkflowRecords,
  ) {}

  /**
   * Connects, creates or updates the schema, and returns the store. Any failure (server unreachable, wrong
   * password, no such database, no right to create tables) is a BatonError naming host and port, never the password.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const target = postgresTarget(url);
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000, max: 4 });
    // An idle connection the server drops (a restart, a network blip) is reported on the pool; without a listener
    // that event would end the process. The next query opens a new connection, and fails clearly if it cannot.
    pool.on('error', () => undefined);
    const checkpointer = new PostgresSaver(pool, undefined, { schema: postgresSchema });
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, () => checkpointer.setup());
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw describePostgresError(target, error);
    }
    return new PostgresStore(target, pool, checkpointer, new PostgresWorkflowRecords(pool));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
