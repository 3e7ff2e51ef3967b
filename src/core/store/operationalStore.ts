import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { BatonError } from '../errors';
import type { WorkflowRecords } from '../workflowRecords';
import { PostgresStore } from './postgresStore';
import { SqliteCheckpointer } from './sqliteCheckpointer';
import type { SqliteDatabase } from './sqliteDatabase';
import { SqliteWorkflowRecords } from './sqliteWorkflowRecords';

/** `baton.storage.*`: where checkpoints and workflow records live. */
export type StorageSettings = { backend: 'sqlite' } | { backend: 'postgres'; postgresUrl: string };

/** The checkpointer and the workflow records of one backend. */
export interface OperationalStore {
  readonly checkpointer: BaseCheckpointSaver;
  readonly records: WorkflowRecords;
  close(): void;
}

/**
 * Opens the backend the settings choose. SQLite uses the repository's own database (`db`, which the caller owns
 * and closes); Postgres connects to the shared server, so that several machines see the same workflows.
 */
export async function openOperationalStore(storage: StorageSettings | undefined, db: SqliteDatabase): Promise<OperationalStore> {
  if (storage?.backend !== 'postgres') {
    return { checkpointer: new SqliteCheckpointer(db), records: new SqliteWorkflowRecords(db), close: () => undefined };
  }
  if (!storage.postgresUrl.trim()) {
    throw new BatonError(
      'baton.storage.backend is "postgres" but no PostgreSQL URL is set.',
      'Set baton.storage.postgresUrl (CLI: the BATON_POSTGRES_URL environment variable) to postgres://USER@HOST:PORT/DATABASE, or set the backend back to "sqlite".',
      'config',
    );
  }
  const store = await PostgresStore.open(storage.postgresUrl);
  return {
    checkpointer: store.checkpointer,
    records: store.records,
    // The pool closes its connections in the background: callers close synchronously, and nothing is pending
    // once the engine has stopped (every write was awaited).
    close: () => void store.close().catch(() => undefined),
  };
}
