import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, DeltaChannel, END, START, StateGraph } from '@langchain/langgraph';
import { SqliteCheckpointer } from '../../src/core/store/sqliteCheckpointer';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { incompressible } from '../support/incompressible';

// How the database grows when every step of a workflow adds 10 KB (a transcript entry, a diff), 200 steps:
// - references: the Baton way. The 10 KB goes into a table once; the state keeps its id.
// - in state:   the 10 KB is appended to a list channel with a reducer, so every checkpoint's list is larger.
// - DeltaChannel: the same list on LangGraph's (beta) channel that checkpoints only the appended items.
// The stock SqliteSaver stored ~206 MB for the in-state case (full state per checkpoint). Sizes depend only on
// what is stored, so the ratios are asserted; times are printed, never asserted.

type Variant = 'references' | 'in state' | 'DeltaChannel';
const entryBytes = 10 * 1024;
const steps = 200;

const entry = (step: number): string => incompressible(`entry ${step}`, entryBytes);

interface Measured {
  variant: Variant;
  emptyBytes: number;
  halfBytes: number;
  fullBytes: number;
  msPerStep: number;
}

async function measure(variant: Variant, dir: string): Promise<Measured> {
  const db = SqliteDatabase.open(join(dir, `${variant.replace(' ', '-')}.db`));
  try {
    db.exec('CREATE TABLE transcript (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    const size = (): number => {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      return (db.get<{ page_count: number }>('PRAGMA page_count')?.page_count ?? 0) * (db.get<{ page_size: number }>('PRAGMA page_size')?.page_size ?? 0);
    };
    const State = Annotation.Root({
      log: variant === 'DeltaChannel'
        ? new DeltaChannel<string[], string[]>((list, writes) => list.concat(...writes))
        : Annotation<string[]>({ reducer: (list, added) => list.concat(added), default: () => [] }),
      step: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
      until: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
    });
    const graph = new StateGraph(State)
      .addNode('work', (state) => {
        const text = entry(state.step);
        if (variant !== 'references') return { log: [text], step: state.step + 1 };
        const { lastInsertRowid } = db.run('INSERT INTO transcript (text) VALUES (?)', text);
        return { log: [`transcript:${lastInsertRowid}`], step: state.step + 1 };
      })
      .addEdge(START, 'work')
      .addConditionalEdges('work', (state) => (state.step < state.until ? 'work' : END))
      .compile({ checkpointer: new SqliteCheckpointer(db) });
    const config = { configurable: { thread_id: 'wf-growth' }, recursionLimit: steps + 10 };

    const emptyBytes = size();
    const started = performance.now();
    await graph.invoke({ until: steps / 2 }, config);
    const halfBytes = size();
    const final = await graph.invoke({ until: steps }, config);
    const msPerStep = (performance.now() - started) / steps;
    assert.equal(final.log.length, steps);
    if (variant !== 'references') assert.equal(final.log[steps - 1], entry(steps - 1));
    return { variant, emptyBytes, halfBytes, fullBytes: size(), msPerStep };
  } finally {
    db.close();
  }
}

describe('store: checkpoint storage grows linearly', function () {
  this.timeout(60_000);
  let dir: string;
  const results = new Map<Variant, Measured>();
  const raw = steps * entryBytes;
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-growth-'));
    for (const variant of ['references', 'in state', 'DeltaChannel'] as const) results.set(variant, await measure(variant, dir));
    const wholeStates = (entryBytes * steps * (steps + 1)) / 2;
    console.log(`      ${steps} steps x 10 KB = ${mb(raw)} MB of data; whole state per checkpoint would be ~${mb(wholeStates)} MB`);
    for (const m of results.values()) {
      const data = m.fullBytes - m.emptyBytes;
      console.log(`      ${m.variant.padEnd(12)} ${mb(m.fullBytes)} MB (${(data / raw).toFixed(2)}x the data; 2nd 100 steps added ${((m.fullBytes - m.halfBytes) / (m.halfBytes - m.emptyBytes)).toFixed(2)}x what the 1st did), ${m.msPerStep.toFixed(1)} ms/step`);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const result = (variant: Variant): Measured => {
    const measured = results.get(variant);
    assert.ok(measured !== undefined, `${variant} was not measured`);
    return measured;
  };
  /** Quadratic growth would make the second half add ~3x what the first did; linear, ~1x. */
  const secondHalfOverFirst = (m: Measured): number => (m.fullBytes - m.halfBytes) / (m.halfBytes - m.emptyBytes);

  it('keeps a workflow that stores big values by reference within 3x its data', () => {
    const m = result('references');
    assert.ok((m.fullBytes - m.emptyBytes) / raw < 3, `${mb(m.fullBytes - m.emptyBytes)} MB`);
    assert.ok(secondHalfOverFirst(m) < 1.5, secondHalfOverFirst(m).toFixed(2));
  });

  it('grows linearly even when a list in the state gains 10 KB a step', () => {
    for (const variant of ['in state', 'DeltaChannel'] as const) {
      const m = result(variant);
      assert.ok(secondHalfOverFirst(m) < 1.5, `${variant}: ${secondHalfOverFirst(m).toFixed(2)}`);
      assert.ok((m.fullBytes - m.emptyBytes) / raw < 3.5, `${variant}: ${mb(m.fullBytes - m.emptyBytes)} MB`);
    }
  });
});
