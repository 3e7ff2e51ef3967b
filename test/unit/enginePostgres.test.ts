import assert from 'node:assert/strict';
import { PostgresStore } from '../../src/core/store/postgresStore';
import { commitsOn, makeEngine, scriptedTeam } from '../support/engineHarness';
import type { AgentScript } from '../support/engineHarness';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { startPostgres } from '../support/postgresServer';
import type { PostgresServer } from '../support/postgresServer';
import { makeRepo } from '../support/repoBuilder';

// `storage.backend: postgres` end to end: the real engine keeps its checkpoints (LangGraph's PostgresSaver) and its
// workflow records in PostgreSQL. One Baton stops at an approval; another, with its own connections (as on a
// teammate's machine), sees the waiting workflow, records the decision and finishes the run from the checkpoint.

const task = (id: string, capabilities: string[], extra: Record<string, unknown> = {}) => ({
  id, title: `Task ${id}`, description: `do ${id}`, capabilities, dependsOn: [], files: [], risks: [], ...extra,
});
const plan = { rationale: 'add the dependency, then document it', tasks: [task('t1', ['implement'], { files: ['package.json'] }), task('t2', ['docs'], { dependsOn: ['t1'], files: ['README.md'] })] };
const routing = { assignments: [['t1', 'coder'], ['t2', 'documenter']].map(([taskId, agentId]) => ({ taskId, agentId, rationale: 'fits', confidence: 0.9 })) };
const write = (path: string, content: string): AgentScript => ({ work: () => [{ name: 'write_file', args: { path, content } }] });
const agents = { coder: write('package.json', '{ "name": "sample", "dependencies": { "left-pad": "1.3.0" } }\n'), documenter: write('README.md', '# sample\nuses left-pad\n') };

describe('engine on the PostgreSQL backend', function () {
  let server: PostgresServer;
  let fake: FakeOpenAI | undefined;
  const stores: PostgresStore[] = [];
  before(async function () {
    this.timeout(120_000);
    server = await startPostgres();
  });
  after(() => server?.stop());
  afterEach(async () => {
    fake?.close();
    for (const s of stores.splice(0)) await s.close();
  });

  const open = async (url: string) => {
    const store = await PostgresStore.open(url);
    stores.push(store);
    return store;
  };

  it('waits for an approval, and another Baton sharing the database approves and finishes the workflow', async () => {
    fake = await startFakeOpenAI({ fallback: scriptedTeam(plan, routing, agents) });
    const url = await server.createDatabase();
    const repo = makeRepo();

    const first = await open(url);
    const a = await makeEngine(repo, fake, { checkpointer: first.checkpointer, records: first.records });
    const id = await a.engine.start('add left-pad and document it');
    const stopped = await a.engine.run(id);
    assert.equal(stopped.status, 'waiting', JSON.stringify(stopped));
    assert.ok(stopped.status === 'waiting');
    assert.deepEqual(stopped.approvals.map((x) => [x.taskId, x.trigger]), [['t1', 'dependencies']]);
    await first.close();

    const second = await open(url);
    const b = await makeEngine(repo, fake, { checkpointer: second.checkpointer, records: second.records });
    const listed = await second.records.list();
    assert.deepEqual(listed.map((r) => [r.id, r.status, r.task]), [[id, 'waiting', 'add left-pad and document it']]);
    await b.engine.decide(id, stopped.approvals[0]!.approvalId, 'approve');
    const end = await b.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(b.of('approval.resolved').map((e) => [e.data.decision, e.data.by]), [['approve', 'user']]);
    // t1 ran once, on the first Baton; the second resumed from the checkpoint and only ran t2.
    assert.deepEqual(a.of('agent.started').map((e) => e.data.taskId), ['t1']);
    assert.deepEqual(b.of('agent.started').map((e) => e.data.taskId), ['t2']);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`).filter((s) => /Task t1/.test(s)).length, 1, 'no step repeated');
    const record = await (await open(url)).records.get(id);
    assert.equal(record?.status, 'completed');
    assert.deepEqual(record?.progress, { done: 2, failed: 0, notRun: 0, total: 2 });
    assert.deepEqual(await second.records.decisions(id), [], 'the applied decision was cleared');
  });
});
