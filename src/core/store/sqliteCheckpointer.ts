import { isDeepStrictEqual } from 'node:util';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  maxChannelVersion,
  writesSortKey,
} from '@langchain/langgraph-checkpoint';
import type {
  ChannelVersions,
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointPendingWrite,
  CheckpointTuple,
  PendingWrite,
  SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { CheckpointBlobs, prepareBlob } from './checkpointBlobs';
import type { BlobNode } from './checkpointBlobs';
import { checkpointConfig, readAddress, requireAddress } from './checkpointConfig';
import type { SqliteDatabase, SqlParam } from './sqliteDatabase';
import { StoreError } from './storeError';

// A LangGraph checkpoint saver on Baton's SQLite database. Unlike the stock SqliteSaver, which stores every
// channel's value in every checkpoint (a state that grows by 10 KB a step made a 209 MB file in 200 steps), a
// checkpoint here stores only the channels that changed (`newVersions`, as the official Postgres saver does)
// and points at its parent's blobs for the rest; the blobs themselves are chunked and content-addressed
// (checkpointBlobs.ts). Chaining through the parent rather than keying blobs by (channel, version) keeps a
// forked thread correct: two branches may reuse the same integer version for different values.
// Everything async (serializing) happens before the one short synchronous transaction of each write.

/** channel -> [serde type, checkpoint_blobs.id] */
type ChannelBlobs = Record<string, [string, number]>;

interface CheckpointRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_type: string;
  checkpoint: Uint8Array;
  metadata_type: string;
  metadata: Uint8Array;
  channel_blobs: string;
}

interface WriteRow {
  task_id: string;
  idx: number;
  channel: string;
  value_type: string;
  blob_id: number;
  task_path: string;
}

const checkpointColumns =
  'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata_type, metadata, channel_blobs';

export class SqliteCheckpointer extends BaseCheckpointSaver {
  private readonly blobs: CheckpointBlobs;

  /** `db` must have been opened with Baton's migrations (the default of SqliteDatabase.open). */
  constructor(
    private readonly db: SqliteDatabase,
    serde?: SerializerProtocol,
  ) {
    super(serde);
    if (db.get('SELECT 1 AS found FROM sqlite_master WHERE type = ? AND name = ?', 'table', 'checkpoint_blobs') === undefined) {
      throw new Error(`${db.path} has no checkpoint tables: open it with SqliteDatabase.open(path), which applies Baton's migrations.`);
    }
    this.blobs = new CheckpointBlobs(db);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const address = readAddress(config);
    if (address === undefined) return undefined;
    const row = address.checkpointId === undefined
      ? this.db.get<CheckpointRow>(
        `SELECT ${checkpointColumns} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1`,
        address.threadId, address.namespace,
      )
      : this.db.get<CheckpointRow>(
        `SELECT ${checkpointColumns} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?`,
        address.threadId, address.namespace, address.checkpointId,
      );
    return row === undefined ? undefined : this.toTuple(row, await this.loadMetadata(row));
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    const where: string[] = [];
    const params: SqlParam[] = [];
    const match = (clause: string, value: string): void => {
      where.push(clause);
      params.push(value);
    };
    const namespace: unknown = config.configurable?.checkpoint_ns;
    const address = readAddress(config);
    if (address !== undefined) match('thread_id = ?', address.threadId);
    if (typeof namespace === 'string') match('checkpoint_ns = ?', namespace);
    if (address?.checkpointId !== undefined) match('checkpoint_id = ?', address.checkpointId);
    const beforeId: unknown = before?.configurable?.checkpoint_id;
    if (typeof beforeId === 'string') match('checkpoint_id < ?', beforeId);
    const filtered = filter !== undefined && Object.keys(filter).length > 0;
    // Metadata is matched here, after deserializing, so the limit can only go into SQL without a filter.
    const limit = !filtered && Number.isFinite(remaining) ? ` LIMIT ${Math.trunc(remaining)}` : '';
    const rows = this.db.all<CheckpointRow>(
      `SELECT ${checkpointColumns} FROM checkpoints ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY checkpoint_id DESC${limit}`,
      ...params,
    );
    for (const row of rows) {
      const metadata = await this.loadMetadata(row);
      if (filtered && !matchesFilter(metadata, filter)) continue;
      yield await this.toTuple(row, metadata);
      remaining -= 1;
      if (remaining <= 0) return;
    }
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const { threadId, namespace, checkpointId: parentId } = requireAddress(config, 'save a checkpoint');
    const changed = await Promise.all(
      Object.keys(newVersions)
        .filter((channel) => Object.hasOwn(checkpoint.channel_values, channel))
        .map(async (channel) => ({ channel, ...(await this.prepare(checkpoint.channel_values[channel])) })),
    );
    const { channel_values: _stored, ...withoutValues } = checkpoint;
    const [checkpointType, checkpointBytes] = await this.serde.dumpsTyped(withoutValues);
    const [metadataType, metadataBytes] = await this.serde.dumpsTyped(metadata);
    this.db.transaction(() => {
      const channelBlobs: ChannelBlobs = {};
      const parent = parentId === undefined ? undefined : this.db.get<{ channel_blobs: string }>(
        'SELECT channel_blobs FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?',
        threadId, namespace, parentId,
      );
      // Unchanged channels point at the blob their parent points at.
      for (const [channel, entry] of Object.entries(parseChannelBlobs(parent?.channel_blobs))) {
        if (!Object.hasOwn(newVersions, channel) && Object.hasOwn(checkpoint.channel_versions, channel)) channelBlobs[channel] = entry;
      }
      for (const { channel, type, blob } of changed) channelBlobs[channel] = [type, this.blobs.write(threadId, blob)];
      this.db.run(
        `INSERT OR REPLACE INTO checkpoints (${checkpointColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        threadId, namespace, checkpoint.id, parentId, checkpointType, checkpointBytes, metadataType, metadataBytes, JSON.stringify(channelBlobs),
      );
    });
    return checkpointConfig(threadId, namespace, checkpoint.id);
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ''): Promise<void> {
    const { threadId, namespace, checkpointId } = requireAddress(config, 'save pending writes');
    if (checkpointId === undefined) throw new Error('Cannot save pending writes: the config is missing configurable.checkpoint_id (the checkpoint they belong to).');
    const prepared = await Promise.all(
      writes.map(async ([channel, value], index) => ({ channel, idx: WRITES_IDX_MAP[channel] ?? index, ...(await this.prepare(value)) })),
    );
    this.db.transaction(() => {
      for (const { channel, idx, type, blob } of prepared) {
        // Special writes (error, interrupt, resume) have fixed negative indexes and replace the previous one;
        // a task's regular writes are saved once: a retried task must not change what was recorded.
        const exists = idx >= 0 && this.db.get(
          'SELECT 1 AS found FROM checkpoint_writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? AND task_id = ? AND idx = ?',
          threadId, namespace, checkpointId, taskId, idx,
        ) !== undefined;
        if (exists) continue;
        this.db.run(
          'INSERT OR REPLACE INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, value_type, blob_id, task_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          threadId, namespace, checkpointId, taskId, idx, channel, type, this.blobs.write(threadId, blob), taskPath,
        );
      }
    });
  }

  async deleteThread(threadId: string): Promise<void> {
    this.db.transaction(() => {
      this.db.run('DELETE FROM checkpoint_writes WHERE thread_id = ?', threadId);
      this.db.run('DELETE FROM checkpoints WHERE thread_id = ?', threadId);
      this.blobs.deleteThread(threadId);
    });
  }

  private async prepare(value: unknown): Promise<{ type: string; blob: BlobNode }> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return { type, blob: prepareBlob(bytes) };
  }

  private async loadMetadata(row: CheckpointRow): Promise<CheckpointMetadata> {
    return (await this.serde.loadsTyped(row.metadata_type, row.metadata)) as CheckpointMetadata;
  }

  private async toTuple(row: CheckpointRow, metadata: CheckpointMetadata): Promise<CheckpointTuple> {
    const checkpoint = (await this.serde.loadsTyped(row.checkpoint_type, row.checkpoint)) as Checkpoint;
    checkpoint.channel_values = {};
    for (const [channel, [type, blobId]] of Object.entries(parseChannelBlobs(row.channel_blobs))) {
      checkpoint.channel_values[channel] = await this.serde.loadsTyped(type, this.blobs.read(blobId));
    }
    const parentId = row.parent_checkpoint_id ?? undefined;
    // Checkpoints before format 4 kept pending sends on the parent's writes; LangGraph expects them in TASKS.
    if (checkpoint.v < 4 && parentId !== undefined) await this.migratePendingSends(checkpoint, row, parentId);
    const pendingWrites = await this.loadWrites(row.thread_id, row.checkpoint_ns, row.checkpoint_id);
    const tuple: CheckpointTuple = {
      config: checkpointConfig(row.thread_id, row.checkpoint_ns, row.checkpoint_id),
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (parentId !== undefined) tuple.parentConfig = checkpointConfig(row.thread_id, row.checkpoint_ns, parentId);
    return tuple;
  }

  /** A checkpoint's pending writes in the order LangGraph applies them (writesSortKey). */
  private async loadWrites(threadId: string, namespace: string, checkpointId: string): Promise<CheckpointPendingWrite[]> {
    const rows = this.db.all<WriteRow>(
      'SELECT task_id, idx, channel, value_type, blob_id, task_path FROM checkpoint_writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?',
      threadId, namespace, checkpointId,
    );
    rows.sort((a, b) => compareWritesSortKeys(writesSortKey(a.task_path, a.task_id, a.idx), writesSortKey(b.task_path, b.task_id, b.idx)));
    const writes: CheckpointPendingWrite[] = [];
    for (const row of rows) writes.push([row.task_id, row.channel, await this.serde.loadsTyped(row.value_type, this.blobs.read(Number(row.blob_id)))]);
    return writes;
  }

  private async migratePendingSends(checkpoint: Checkpoint, row: CheckpointRow, parentId: string): Promise<void> {
    const parentWrites = await this.loadWrites(row.thread_id, row.checkpoint_ns, parentId);
    checkpoint.channel_values[TASKS] = parentWrites.filter(([, channel]) => channel === TASKS).map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }
}

/** Metadata matches when every filtered key holds an equal value (as MemorySaver matches, with deep equality). */
function matchesFilter(metadata: CheckpointMetadata, filter: Record<string, unknown>): boolean {
  const fields: Record<string, unknown> = metadata;
  return Object.entries(filter).every(([key, value]) => isDeepStrictEqual(fields[key], value));
}

function parseChannelBlobs(json: string | undefined): ChannelBlobs {
  if (json === undefined) return {};
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) {
    throw new StoreError('damaged-data', "Baton's database is damaged: a checkpoint's channel list is unreadable. Start the workflow again, or restore .git/baton/baton.db from a backup.");
  }
  return parsed as ChannelBlobs;
}
