import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointBlobs, chunkSize, prepareBlob } from '../../src/core/store/checkpointBlobs';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { StoreError } from '../../src/core/store/storeError';

/** Incompressible, reproducible bytes. */
function bytes(length: number, seed = 'seed'): Buffer {
  const parts: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let size = 0; size < length; size += block.length) {
    parts.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(parts).subarray(0, length);
}

describe('store: checkpoint blobs (content-addressed chunk trees)', () => {
  let dir: string;
  let db: SqliteDatabase;
  let blobs: CheckpointBlobs;
  const rowCount = (): number => db.get<{ n: number }>('SELECT count(*) AS n FROM checkpoint_blobs')?.n ?? 0;
  const store = (value: Uint8Array, threadId = 't1'): number => db.transaction(() => blobs.write(threadId, prepareBlob(value)));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-blobs-'));
    db = SqliteDatabase.open(join(dir, 'baton.db'));
    blobs = new CheckpointBlobs(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a small value in one chunk and a large one in a tree, and reads both back byte for byte', () => {
    assert.equal(prepareBlob(bytes(100)).level, 0);
    const large = bytes(700 * 1024);
    const root = prepareBlob(large);
    assert.equal(root.level, 2, '700 KB: 88 leaves, 3 nodes of up to 32 hashes, and a root above them');
    assert.deepEqual(root.children.map((node) => node.children.length), [32, 32, 24]);
    for (const value of [new Uint8Array(0), bytes(100), bytes(chunkSize), bytes(chunkSize + 1), large]) {
      assert.ok(Buffer.from(blobs.read(store(value))).equals(value), `${value.length} bytes`);
    }
  });

  it('stores a value once, however often it is written', () => {
    const value = bytes(50_000);
    const id = store(value);
    const rows = rowCount();
    assert.equal(store(value), id);
    assert.equal(rowCount(), rows);
  });

  it('stores only the new end of a value that grew, plus one node per level', () => {
    const before = bytes(400 * 1024 + 3000);
    store(before);
    const rows = rowCount();
    const grown = Buffer.concat([before, bytes(10 * 1024, 'more')]);
    store(grown);
    // The rewritten last leaf, the new leaf, and the last node of each level above them.
    assert.ok(rowCount() - rows <= 5, `${rowCount() - rows} new rows`);
    const newBytes = db.get<{ bytes: number }>('SELECT sum(length(data)) AS bytes FROM checkpoint_blobs WHERE id > (SELECT max(id) FROM checkpoint_blobs) - ?', rowCount() - rows)?.bytes ?? 0;
    assert.ok(newBytes < 10 * 1024 + 2 * chunkSize, `${newBytes} bytes written for 10 KB of growth`);
  });

  it('keeps threads apart, so deleting one leaves the same content of another', () => {
    const value = bytes(30_000);
    store(value, 'a');
    const idB = store(value, 'b');
    db.transaction(() => blobs.deleteThread('a'));
    assert.ok(Buffer.from(blobs.read(idB)).equals(value));
    assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM checkpoint_blobs WHERE thread_id = 'a'")?.n, 0);
  });

  it('reports a missing chunk as damage, with what to do', () => {
    const id = store(bytes(100_000));
    db.run('DELETE FROM checkpoint_blobs WHERE level = 0 AND id = (SELECT min(id) FROM checkpoint_blobs)');
    assert.throws(() => blobs.read(id), (error) =>
      error instanceof StoreError && error.problem === 'damaged-data' && /a chunk of a value of thread t1 is missing\. Start the workflow again, or restore/.test(error.message));
  });
});
