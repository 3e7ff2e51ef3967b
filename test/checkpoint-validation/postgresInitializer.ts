import type { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { PostgresStore } from '../../src/core/store/postgresStore';
import { startPostgres } from '../support/postgresServer';
import type { PostgresServer } from '../support/postgresServer';

// The checkpointer Baton uses with `storage.backend: postgres`, opened exactly as openEngine opens it (through
// PostgresStore, schema `baton`, migrations under the advisory lock), on a throwaway server. The suite requires
// every checkpointer it creates to start empty: each gets its own database, dropped with it.

// Several suites in one file share the server: the last to finish stops it.
let server: Promise<PostgresServer> | undefined;
let users = 0;
const opened = new WeakMap<PostgresSaver, { store: PostgresStore; url: string }>();

const initializer: CheckpointSaverTestInitializer<PostgresSaver> = {
  checkpointerName: 'baton-postgres',
  async beforeAll() {
    users += 1;
    server ??= startPostgres();
    await server;
  },
  beforeAllTimeout: 120_000,
  async afterAll() {
    users -= 1;
    if (users > 0 || server === undefined) return;
    const stopping = server;
    server = undefined;
    (await stopping).stop();
  },
  async createCheckpointer() {
    if (server === undefined) throw new Error('no PostgreSQL server: the suite must call the initializer\'s beforeAll first');
    const url = await (await server).createDatabase();
    const store = await PostgresStore.open(url);
    opened.set(store.checkpointer, { store, url });
    return store.checkpointer;
  },
  async destroyCheckpointer(checkpointer) {
    const entry = opened.get(checkpointer);
    if (entry === undefined) return;
    await entry.store.close();
    await (await server)?.dropDatabase(entry.url);
  },
};

export default initializer;
