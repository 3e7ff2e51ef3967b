import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointSaverTestInitializer } from '@langchain/langgraph-checkpoint-validation';
import { SqliteCheckpointer } from '../../src/core/store/sqliteCheckpointer';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';

// The official suite requires every checkpointer it creates to start empty: each gets its own database file in
// its own temporary folder, removed with it.
const folders = new WeakMap<SqliteCheckpointer, { db: SqliteDatabase; dir: string }>();

const initializer: CheckpointSaverTestInitializer<SqliteCheckpointer> = {
  checkpointerName: 'baton-sqlite',
  createCheckpointer() {
    const dir = mkdtempSync(join(tmpdir(), 'baton-checkpoint-validation-'));
    const db = SqliteDatabase.open(join(dir, 'baton.db'));
    const checkpointer = new SqliteCheckpointer(db);
    folders.set(checkpointer, { db, dir });
    return checkpointer;
  },
  destroyCheckpointer(checkpointer) {
    const opened = folders.get(checkpointer);
    if (opened === undefined) return;
    opened.db.close();
    rmSync(opened.dir, { recursive: true, force: true });
  },
};

export default initializer;
