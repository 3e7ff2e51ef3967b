import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../../src/core/store/postgresStore';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { SqliteWorkflowRecords } from '../../src/core/store/sqliteWorkflowRecords';
import type { WorkflowRecord, WorkflowRecords } from '../../src/core/workflowRecords';
import { startPostgres } from '../support/postgresServer';
import type { PostgresServer } from '../support/postgresServer';

// The workflow records behave the same on both backends: `baton list`, `baton status`, the tree and the HTTP API
// read them, and `baton approve` leaves decisions in them for the next resume. Each test opens the store twice,
// as two processes (or two machines) would, and checks what one wrote is what the other reads.

interface Opened {
  records: WorkflowRecords;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  before?(): Promise<void>;
  after?(): Promise<void>;
  /** A new, empty store for one test; open() then opens it again, like another process. */
  fresh(): Promise<void>;
  open(): Promise<Opened>;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = '';
  return {
    name: 'SQLite',
    async fresh() {
      dir = mkdtempSync(join(tmpdir(), 'baton-records-'));
    },
    async open() {
      const db = SqliteDatabase.open(join(dir, 'baton.db'));
      return { records: new SqliteWorkflowRecords(db), close: async () => db.close() };
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  let server: PostgresServer | undefined;
  let url = '';
  return {
    name: 'PostgreSQL',
    async before() {
      server = await startPostgres();
    },
    async after() {
      server?.stop();
    },
    async fresh() {
      url = await server!.createDatabase();
    },
    async open() {
      const store = await PostgresStore.open(url);
      return { records: store.records, close: () => store.close() };
    },
    async cleanup() {
      await server?.dropDatabase(url);
    },
  };
}

// Both backends return absent optional fields as undefined properties; compare what a JSON reader would see.
const plain = (r: WorkflowRecord | undefined): unknown => JSON.parse(JSON.stringify(r ?? null));

const record = (id: string, createdAt: string, extra: Partial<WorkflowRecord> = {}): WorkflowRecord => ({
  id, task: `task of ${id}`, mode: 'centralized', status: 'queued', budgetUsd: 2.5, budgetTokens: 0, costUsd: 0, baseCommit: 'abc123',
  createdAt, updatedAt: createdAt, progress: { done: 0, failed: 0, notRun: 0, total: 0 }, ...extra,
});

for (const backend of [sqliteBackend(), postgresBackend()]) {
  describe(`store: workflow records on ${backend.name}`, function () {
    let opened: Opened[] = [];
    const open = async () => {
      const o = await backend.open();
      opened.push(o);
      return o.records;
    };
    before(async function () {
      // Starting a server: initdb and pg_ctl take a second or two, more on a loaded machine.
      this.timeout(120_000);
      await backend.before?.();
    });
    after(async () => backend.after?.());
    beforeEach(async () => backend.fresh());
    afterEach(async () => {
      for (const o of opened) await o.close();
      opened = [];
      await backend.cleanup();
    });

    it('reads back a workflow exactly as it was written, from another process', async () => {
      const full = record('wf-1', '2026-11-29T10:00:00.000Z', {
        status: 'running', costUsd: 0.125, currentStep: 'dispatch', progress: { done: 1, failed: 0, notRun: 0, total: 3 }, summary: 'half done', error: 'none yet', runnerPid: process.pid,
      });
      await (await open()).create(full);
      const other = await open();
      assert.deepEqual(await other.get('wf-1'), full);
      assert.equal(await other.get('no-such-workflow'), undefined);
    });

    it('updates only the fields a patch names, and an explicit undefined clears one', async () => {
      const records = await open();
      await records.create(record('wf-1', '2026-11-29T10:00:00.000Z', { currentStep: 'analyze', runnerPid: process.pid }));
      await records.update('wf-1', { status: 'completed', progress: { done: 2, failed: 0, notRun: 0, total: 2 }, costUsd: 0.5, currentStep: undefined, runnerPid: undefined, summary: 'done' });
      const got = await (await open()).get('wf-1');
      assert.deepEqual(plain(got), { ...record('wf-1', '2026-11-29T10:00:00.000Z'), status: 'completed', progress: { done: 2, failed: 0, notRun: 0, total: 2 }, costUsd: 0.5, summary: 'done' });
      await records.update('wf-1', {});
      assert.deepEqual(await records.get('wf-1'), got, 'an empty patch changes nothing');
    });

    it('keeps how a workflow was run, its token budget and its honest progress, and the budget a person approved', async () => {
      const runSettings = { approve: 'auto' as const, concurrency: 2, model: 'gpt-4o', baseUrl: 'http://127.0.0.1:9/v1', check: 'npm test', keepWorktrees: true };
      const records = await open();
      await records.create(record('wf-1', '2026-11-29T10:00:00.000Z', { budgetTokens: 7_600_000, runSettings, progress: { done: 1, failed: 1, notRun: 2, total: 4 } }));
      const other = await open();
      assert.deepEqual(plain(await other.get('wf-1')), plain(record('wf-1', '2026-11-29T10:00:00.000Z', { budgetTokens: 7_600_000, runSettings, progress: { done: 1, failed: 1, notRun: 2, total: 4 } })));
      await other.update('wf-1', { runSettings: { ...runSettings, approve: 'ask' }, budgetUsd: 5, budgetTokens: 15_200_000 });
      const got = await records.get('wf-1');
      assert.deepEqual([got?.runSettings?.approve, got?.budgetUsd, got?.budgetTokens], ['ask', 5, 15_200_000]);
      await records.addDecision('wf-1', { approvalId: 'budget-2.50', decision: 'approve', reason: 'raised', budgetUsd: 5 });
      assert.deepEqual(await other.decisions('wf-1'), [{ approvalId: 'budget-2.50', decision: 'approve', reason: 'raised', budgetUsd: 5 }]);
    });

    it('lists workflows newest first', async () => {
      const records = await open();
      await records.create(record('old', '2026-11-28T09:00:00.000Z'));
      await records.create(record('new', '2026-11-29T11:00:00.000Z'));
      await records.create(record('mid', '2026-11-29T10:00:00.000Z'));
      assert.deepEqual((await (await open()).list()).map((r) => r.id), ['new', 'mid', 'old']);
    });

    it('keeps approval decisions until they are cleared, the last word per approval winning', async () => {
      const cli = await open();
      await cli.create(record('wf-1', '2026-11-29T10:00:00.000Z'));
      await cli.create(record('wf-2', '2026-11-29T10:00:00.000Z'));
      await cli.addDecision('wf-1', { approvalId: 'a1', decision: 'reject', reason: 'not yet' });
      await cli.addDecision('wf-1', { approvalId: 'a2', decision: 'approve' });
      await cli.addDecision('wf-1', { approvalId: 'a1', decision: 'approve', reason: 'fine now' });
      await cli.addDecision('wf-2', { approvalId: 'a1', decision: 'reject' });
      await cli.addDecision('wf-2', { approvalId: 'a9', decision: 'approve' });

      // The engine, in another process, applies them and clears what it applied.
      const engine = await open();
      const pending = await engine.decisions('wf-1');
      assert.deepEqual(pending.map((d) => [d.approvalId, d.decision, d.reason]).sort(), [['a1', 'approve', 'fine now'], ['a2', 'approve', undefined]]);
      await engine.clearDecisions('wf-1', ['a1']);
      assert.deepEqual(await cli.decisions('wf-1'), [{ approvalId: 'a2', decision: 'approve', reason: undefined }]);
      await engine.clearDecisions('wf-2', ['a1', 'a9']);
      assert.deepEqual(await cli.decisions('wf-2'), []);
      await engine.clearDecisions('wf-1', []);
      assert.equal((await cli.decisions('wf-1')).length, 1, 'clearing nothing keeps the rest');
    });

    it('keeps every write of several writers working at once', async () => {
      const writers = await Promise.all([open(), open(), open()]);
      await Promise.all(writers.map(async (w, n) => {
        for (let i = 0; i < 20; i++) {
          const id = `wf-${n}-${i}`;
          await w.create(record(id, `2026-11-29T10:${String(i).padStart(2, '0')}:0${n}.000Z`));
          await w.update(id, { status: 'running', progress: { done: i, failed: 0, notRun: 0, total: 20 } });
        }
      }));
      const all = await (await open()).list();
      assert.equal(all.length, 60);
      assert.ok(all.every((r) => r.status === 'running'));
    });
  });
}
