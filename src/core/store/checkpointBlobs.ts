import { createHash } from 'node:crypto';
import type { SqliteDatabase } from './sqliteDatabase';
import { StoreError } from './storeError';

// Serialized values are stored content-addressed, per thread, as a tree of fixed-size chunks (a Merkle tree, as
// in git or IPFS). Why chunks: a reducer channel that appends to a list changes every step, so storing each
// version whole grows the database with the square of the steps. Serialized JSON of a list that grew at its end
// keeps its prefix byte for byte, so fixed-size chunks of the new version are the old chunks plus a rewritten last
// chunk and the new ones; the levels of hashes above them behave the same way. Per step that costs the new bytes
// plus about one chunk per level, i.e. linear growth. Why per thread: deleting a thread deletes its blobs with one
// statement, with no reference counting across threads.

/** Bytes per leaf chunk. Each step rewrites the last, partly filled leaf (half a chunk on average); 8 KB keeps
 * that small while a leaf still fills its overflow pages well (4 KB pages). */
export const chunkSize = 8192;
const hashSize = 32;
/** Children per interior node. Small on purpose: the last node of every level is rewritten each step too, and
 * with 256 children (a full 8 KB) that alone cost as much as the leaf (measured on a list growing 10 KB a step: 3.2x the raw data vs 2.8x). */
const fanout = 32;

/** A chunk and, for an interior chunk, the chunks its hashes name (in order). */
export interface BlobNode {
  readonly hash: Uint8Array;
  readonly level: number;
  readonly data: Uint8Array;
  readonly children: readonly BlobNode[];
}

/** Cuts a serialized value into its chunk tree and hashes it; needs no database and no lock. Returns the root. */
export function prepareBlob(bytes: Uint8Array): BlobNode {
  if (bytes.length <= chunkSize) return makeNode(0, bytes, []);
  let nodes: BlobNode[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) nodes.push(makeNode(0, bytes.subarray(offset, offset + chunkSize), []));
  while (nodes.length > 1) {
    const parents: BlobNode[] = [];
    for (let start = 0; start < nodes.length; start += fanout) {
      const children = nodes.slice(start, start + fanout);
      parents.push(makeNode((children[0]?.level ?? 0) + 1, Buffer.concat(children.map((child) => child.hash)), children));
    }
    nodes = parents;
  }
  return nodes[0] as BlobNode;
}

function makeNode(level: number, data: Uint8Array, children: readonly BlobNode[]): BlobNode {
  // The level is hashed too, so a leaf whose bytes happen to look like a list of hashes never aliases a node.
  const hash = createHash('sha256').update(Uint8Array.of(level)).update(data).digest();
  return { hash, level, data, children };
}

/** The checkpointer's table of chunks. Every method must run inside the caller's transaction (or read-only). */
export class CheckpointBlobs {
  constructor(private readonly db: SqliteDatabase) {}

  /** Stores a prepared value for a thread and returns its id. Chunks the thread already has are not written again. */
  write(threadId: string, root: BlobNode): number {
    this.insertMissing(threadId, root);
    const id = this.idOf(threadId, root.hash);
    if (id === undefined) throw new Error('A checkpoint blob vanished right after it was written.');
    return id;
  }

  read(id: number): Uint8Array {
    const row = this.db.get<{ thread_id: string; level: number; data: Uint8Array }>(
      'SELECT thread_id, level, data FROM checkpoint_blobs WHERE id = ?', id,
    );
    if (row === undefined) throw damaged(`value #${id} is missing`);
    if (row.level === 0) return row.data;
    const parts: Uint8Array[] = [];
    this.expand(row.thread_id, row.level, row.data, parts);
    return Buffer.concat(parts);
  }

  deleteThread(threadId: string): void {
    this.db.run('DELETE FROM checkpoint_blobs WHERE thread_id = ?', threadId);
  }

  private expand(threadId: string, level: number, hashes: Uint8Array, parts: Uint8Array[]): void {
    for (let offset = 0; offset < hashes.length; offset += hashSize) {
      const hash = hashes.subarray(offset, offset + hashSize);
      const child = this.db.get<{ level: number; data: Uint8Array }>(
        'SELECT level, data FROM checkpoint_blobs WHERE thread_id = ? AND hash = ?', threadId, hash,
      );
      if (child === undefined || child.level !== level - 1) throw damaged(`a chunk of a value of thread ${threadId} is missing`);
      if (child.level === 0) parts.push(child.data);
      else this.expand(threadId, child.level, child.data, parts);
    }
  }

  /** A stored node implies its whole subtree is stored (trees are written in one transaction), so an unchanged
   * prefix of a grown value costs one lookup per level instead of one per chunk. */
  private insertMissing(threadId: string, node: BlobNode): void {
    if (this.idOf(threadId, node.hash) !== undefined) return;
    for (const child of node.children) this.insertMissing(threadId, child);
    this.db.run('INSERT INTO checkpoint_blobs (thread_id, hash, level, data) VALUES (?, ?, ?, ?)', threadId, node.hash, node.level, node.data);
  }

  private idOf(threadId: string, hash: Uint8Array): number | undefined {
    const row = this.db.get<{ id: number }>('SELECT id FROM checkpoint_blobs WHERE thread_id = ? AND hash = ?', threadId, hash);
    return row === undefined ? undefined : Number(row.id);
  }
}

function damaged(detail: string): StoreError {
  return new StoreError(
    'damaged-data',
    `Baton's database is damaged: ${detail}. Start the workflow again, or restore .git/baton/baton.db from a backup.`,
  );
}
