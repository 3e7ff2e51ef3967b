import assert from 'node:assert/strict';
import { MemorySaver } from '@langchain/langgraph';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, conversation, makeEngine, scriptedTeam } from '../support/engineHarness';
import { MemoryRecords } from '../support/memoryRecords';
import { git, makeRepo } from '../support/repoBuilder';

// The kill switch: cancel stops the agents now, and the checkpoint keeps the workflow resumable.

const plan = { rationale: 'one', tasks: [{ id: 't1', title: 'Add a', description: 'src/a.ts', capabilities: ['implement'], dependsOn: [], files: ['src/a.ts'], risks: [] }] };
const routing = { assignments: [{ taskId: 't1', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] };

describe('engine: cancel', () => {
  let server: FakeOpenAI;
  afterEach(() => server?.close());

  it('cancels while an agent waits for its model, then resumes from the checkpoint and completes', async () => {
    let inFlight!: () => void;
    const hanging = new Promise<void>((resolve) => (inFlight = resolve));
    server = await startFakeOpenAI({
      rules: [{
        name: 'the coder\'s second turn hangs',
        match: (req) => conversation(req).system.startsWith('Baton agent coder') && conversation(req).lastRole === 'tool',
        reply: () => {
          inFlight();
          return { fault: { kind: 'hang' } };
        },
        times: 1,
      }],
      fallback: scriptedTeam(plan, routing, { coder: { work: () => [{ name: 'write_file', args: { path: 'src/a.ts', content: 'export const a = 1;\n' } }] } }),
    });
    const repo = makeRepo();
    const checkpointer = new MemorySaver();
    const records = new MemoryRecords();
    const h = await makeEngine(repo, server, { checkpointer, records });
    const id = await h.engine.start('add a');

    const running = h.engine.run(id);
    await hanging;
    assert.equal(h.engine.cancel(id), true);
    const stopped = await running;
    assert.deepEqual(stopped.status, 'cancelled', JSON.stringify(stopped));
    assert.equal(h.of('workflow.cancelled').length, 1);
    assert.equal((await h.engine.status(id)).status, 'cancelled');
    await server.waitForIdle();
    // The half-done work is off the branch (kept aside) and the worktree is clean for the resume.
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['initial commit']);
    assert.equal(git(repo, '-C', `${repo}/.git/baton/worktrees/${id}/coder`, 'status', '--porcelain'), '');

    // A new engine on the same checkpoints and records, as after a restart.
    const again = await makeEngine(repo, server, { checkpointer, records });
    const end = await again.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.equal(again.of('workflow.resumed').length, 1);
    assert.equal(again.of('plan.created').length, 0, 'the plan is not made again');
    assert.deepEqual(again.of('agent.started').map((e) => e.data.taskId), ['t1']);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add a (t1, round 1)', 'initial commit']);
  });
});
