import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import type { RunnableConfig } from '@langchain/core/runnables';
import { SqliteCheckpointer } from '../../src/core/store/sqliteCheckpointer';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';

const State = Annotation.Root({
  task: Annotation<string>({ reducer: (_old, next) => next, default: () => '' }),
  notes: Annotation<string[]>({ reducer: (old, next) => old.concat(next), default: () => [] }),
  decision: Annotation<string>({ reducer: (_old, next) => next, default: () => '' }),
});

/** plan -> approve (waits for a person) -> apply; counts how often each node ran. */
function approvalGraph(checkpointer: SqliteCheckpointer, runs: Record<string, number>) {
  const count = (node: string): void => {
    runs[node] = (runs[node] ?? 0) + 1;
  };
  return new StateGraph(State)
    .addNode('plan', (state) => (count('plan'), { notes: [`plan for ${state.task}`] }))
    .addNode('approve', () => {
      count('approve');
      const answer = interrupt({ question: 'Apply the plan?' }) as string;
      return { decision: answer };
    })
    .addNode('apply', (state) => (count('apply'), { notes: [`applied: ${state.decision}`] }))
    .addEdge(START, 'plan')
    .addEdge('plan', 'approve')
    .addEdge('approve', 'apply')
    .addEdge('apply', END)
    .compile({ checkpointer });
}

function noteGraph(checkpointer: SqliteCheckpointer) {
  return new StateGraph(State)
    .addNode('note', (state) => ({ notes: [`saw ${state.task}`] }))
    .addEdge(START, 'note')
    .addEdge('note', END)
    .compile({ checkpointer });
}

describe('store: SQLite checkpointer with a real LangGraph graph', () => {
  let dir: string;
  let path: string;
  const opened: SqliteDatabase[] = [];
  /** A new connection and saver on the same file: what a second process would have. */
  const saver = (): SqliteCheckpointer => {
    const db = SqliteDatabase.open(path);
    opened.push(db);
    return new SqliteCheckpointer(db);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-checkpointer-'));
    path = join(dir, 'baton.db');
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps state across invocations of one thread, with its history, and shows it to another connection', async () => {
    const graph = noteGraph(saver());
    const config = { configurable: { thread_id: 'wf-1' } };
    await graph.invoke({ task: 'one' }, config);
    const result = await graph.invoke({ task: 'two' }, config);
    assert.deepEqual(result, { task: 'two', notes: ['saw one', 'saw two'], decision: '' });

    const other = noteGraph(saver());
    const state = await other.getState(config);
    assert.deepEqual(state.values, result);
    assert.deepEqual(state.next, []);
    const history = [];
    for await (const snapshot of other.getStateHistory(config)) history.push(snapshot);
    // Per invocation: the input checkpoint, the one after __start__, the one after `note`; newest first.
    assert.deepEqual(history.map((snapshot) => snapshot.metadata?.source), ['loop', 'loop', 'input', 'loop', 'loop', 'input']);
    assert.deepEqual(history.map((snapshot) => snapshot.values.notes), [['saw one', 'saw two'], ['saw one'], ['saw one'], ['saw one'], [], []]);
    const ids = history.map((snapshot) => String(snapshot.config.configurable?.checkpoint_id));
    assert.deepEqual(ids, [...ids].sort().reverse(), 'newest first');
    assert.equal(history[0]?.parentConfig?.configurable?.checkpoint_id, ids[1]);
  });

  it('resumes an interrupted workflow from a new connection, without re-running finished nodes', async () => {
    const config = { configurable: { thread_id: 'wf-approval' } };
    const runsBefore: Record<string, number> = {};
    const first = await approvalGraph(saver(), runsBefore).invoke({ task: 'rename' }, config);
    const pending = (first as { __interrupt__?: { value: unknown }[] }).__interrupt__;
    assert.deepEqual(pending?.map((item) => item.value), [{ question: 'Apply the plan?' }]);
    assert.deepEqual(runsBefore, { plan: 1, approve: 1 });
    opened.splice(0).forEach((db) => db.close());

    // "A new process": its own connection, saver and compiled graph; only the thread id is shared.
    const runsAfter: Record<string, number> = {};
    const resumed = approvalGraph(saver(), runsAfter);
    const waiting = await resumed.getState(config);
    assert.deepEqual(waiting.next, ['approve']);
    assert.deepEqual(waiting.tasks[0]?.interrupts.map((item) => item.value), [{ question: 'Apply the plan?' }]);

    const done = await resumed.invoke(new Command({ resume: 'yes' }), config);
    assert.deepEqual(done, { task: 'rename', notes: ['plan for rename', 'applied: yes'], decision: 'yes' });
    // `approve` re-runs from its top on resume (LangGraph's rule); `plan` does not.
    assert.deepEqual(runsAfter, { approve: 1, apply: 1 });
    assert.deepEqual((await resumed.getState(config)).next, []);
  });

  it('checkpoints a subgraph in its own namespace and resumes its interrupt from a new connection', async () => {
    const runs: Record<string, number> = {};
    const build = (checkpointer: SqliteCheckpointer) => {
      // Only `decision` is shared: a subgraph returns all of its keys, and `notes` would be appended twice.
      const inner = new StateGraph(Annotation.Root({ decision: State.spec.decision }))
        .addNode('ask', () => {
          runs.ask = (runs.ask ?? 0) + 1;
          return { decision: interrupt('inner approval?') as string };
        })
        .addEdge(START, 'ask')
        .addEdge('ask', END)
        .compile();
      return new StateGraph(State)
        .addNode('before', () => ({ notes: ['before'] }))
        .addNode('inner', inner)
        .addNode('after', (state) => ({ notes: [`after ${state.decision}`] }))
        .addEdge(START, 'before')
        .addEdge('before', 'inner')
        .addEdge('inner', 'after')
        .addEdge('after', END)
        .compile({ checkpointer });
    };
    const config = { configurable: { thread_id: 'wf-sub' } };
    await build(saver()).invoke({ task: 'sub' }, config);
    opened.splice(0).forEach((db) => db.close());

    const second = saver();
    const done = await build(second).invoke(new Command({ resume: 'granted' }), config);
    assert.deepEqual(done.notes, ['before', 'after granted']);
    assert.equal(runs.ask, 2, 'the interrupted node re-runs once on resume');
    const namespaces = opened[0]?.all<{ checkpoint_ns: string }>('SELECT DISTINCT checkpoint_ns FROM checkpoints ORDER BY 1').map((row) => row.checkpoint_ns);
    assert.equal(namespaces?.[0], '');
    assert.match(namespaces?.[1] ?? '', /^inner:/);
  });

  it('keeps forks apart even when LangGraph gives both branches the same channel version', async () => {
    const checkpointer = saver();
    const graph = noteGraph(checkpointer);
    const config = { configurable: { thread_id: 'wf-fork' } };
    await graph.invoke({ task: 'original' }, config);
    const base = (await graph.getState(config)).config;
    const forkC = await graph.updateState(base, { task: 'c' });
    const forkD = await graph.updateState(base, { task: 'd' });

    const versionOf = async (forkConfig: RunnableConfig) => (await checkpointer.getTuple(forkConfig))?.checkpoint.channel_versions.task;
    // A saver that keyed values by (channel, version), as the stock Postgres saver does, would mix these two up.
    assert.equal(await versionOf(forkC), await versionOf(forkD));
    assert.equal((await graph.getState(forkC)).values.task, 'c');
    assert.equal((await graph.getState(forkD)).values.task, 'd');
    assert.equal((await graph.getState(base)).values.task, 'original');

    // Channels a fork did not change come from the checkpoint it forked.
    const fork = await graph.getState(forkC);
    assert.deepEqual(fork.values.notes, ['saw original']);
    assert.equal(fork.parentConfig?.configurable?.checkpoint_id, base.configurable?.checkpoint_id);
  });

  it('deletes a thread with all of its values and nothing of another thread', async () => {
    const checkpointer = saver();
    const graph = noteGraph(checkpointer);
    await graph.invoke({ task: 'x'.repeat(50_000) }, { configurable: { thread_id: 'wf-gone' } });
    await graph.invoke({ task: 'kept' }, { configurable: { thread_id: 'wf-kept' } });
    const db = opened[0];
    assert.ok(db !== undefined);
    const rowsOf = (threadId: string): number[] =>
      ['checkpoints', 'checkpoint_writes', 'checkpoint_blobs'].map((table) => db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE thread_id = ?`, threadId)?.n ?? 0);

    assert.ok(rowsOf('wf-gone').every((n) => n > 0));
    const keptBefore = rowsOf('wf-kept');
    await checkpointer.deleteThread('wf-gone');
    assert.deepEqual(rowsOf('wf-gone'), [0, 0, 0]);
    assert.deepEqual(rowsOf('wf-kept'), keptBefore);
    assert.equal((await graph.getState({ configurable: { thread_id: 'wf-kept' } })).values.task, 'kept');
  });

  it('refuses a database opened without its tables, saying how to open it', () => {
    const db = SqliteDatabase.open(join(dir, 'other.db'), { migrations: [] });
    opened.push(db);
    assert.throws(() => new SqliteCheckpointer(db), /other\.db has no checkpoint tables: open it with SqliteDatabase\.open\(path\)/);
  });
});
