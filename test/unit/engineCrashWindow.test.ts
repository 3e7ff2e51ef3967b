import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TASKS } from '@langchain/langgraph-checkpoint';
import type { ChannelVersions, Checkpoint, CheckpointMetadata, PendingWrite } from '@langchain/langgraph-checkpoint';
import type { RunnableConfig } from '@langchain/core/runnables';
import { SqliteCheckpointer } from '../../src/core/store/sqliteCheckpointer';
import { SqliteDatabase } from '../../src/core/store/sqliteDatabase';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, makeEngine, scriptedTeam } from '../support/engineHarness';
import { makeRepo } from '../support/repoBuilder';

// The narrowest crash window of a step: a node finished and its writes were saved, but the process died before
// the next checkpoint. LangGraph then lists no `next` node, yet the workflow is not over.

const plan = { rationale: 'two', tasks: [
  { id: 't1', title: 'Add a', description: 'a.txt', capabilities: ['implement'], dependsOn: [], files: ['a.txt'], risks: [] },
  { id: 't2', title: 'Add b', description: 'b.txt', capabilities: ['test'], dependsOn: [], files: ['b.txt'], risks: [] },
] };
const routing = { assignments: [
  { taskId: 't1', agentId: 'coder', rationale: 'x', confidence: 1 },
  { taskId: 't2', agentId: 'tester', rationale: 'y', confidence: 1 },
] };
const write = (path: string) => ({ work: (t: string) => [{ name: 'write_file', args: { path, content: `${t}\n` } }] });

/** The real saver, whose process "dies" (never writes again) right after the first node's sends were saved. */
class DiesAfterSends extends SqliteCheckpointer {
  private sendsSaved = false;
  private died!: () => void;
  /** Resolves once the sends are saved and nothing more will be. */
  readonly dead = new Promise<void>((done) => (this.died = done));
  override async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    if (this.sendsSaved) return new Promise<void>(() => undefined);
    await super.putWrites(config, writes, taskId, taskPath);
    if (writes.some(([channel]) => channel === TASKS)) {
      this.sendsSaved = true;
      this.died();
    }
  }

  override async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, versions: ChannelVersions): Promise<RunnableConfig> {
    if (this.sendsSaved) return new Promise<RunnableConfig>(() => undefined);
    return super.put(config, checkpoint, metadata, versions);
  }
}

describe('engine: a crash between a node\'s saved writes and the next checkpoint', () => {
  let server: FakeOpenAI;
  let repo: string;
  afterEach(() => {
    server?.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it('resume goes on from those writes and runs the tasks they started, instead of calling the workflow ended', async () => {
    server = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, { coder: write('a.txt'), tester: write('b.txt') }) });
    repo = makeRepo();
    const path = join(repo, '.git', 'baton', 'baton.db');
    const dying = SqliteDatabase.open(path);
    const saver = new DiesAfterSends(dying);
    const first = await makeEngine(repo, server, { checkpointer: saver });
    const id = await first.engine.start('add two files');
    void first.engine.run(id);
    await saver.dead;

    const db = SqliteDatabase.open(path);
    try {
      const second = await makeEngine(repo, server, { checkpointer: new SqliteCheckpointer(db), records: first.records });
      const end = await second.engine.run(id);
      assert.equal(end.status, 'completed', JSON.stringify(end));
      assert.equal(second.of('workflow.resumed').length, 1);
      assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add a (t1, round 1)', 'initial commit']);
      assert.deepEqual(commitsOn(repo, `baton/${id}/tester`), ['Add b (t2, round 1)', 'initial commit']);
    } finally {
      db.close();
    }
  });
});
