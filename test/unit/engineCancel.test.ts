import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { MemorySaver } from '@langchain/langgraph';
import { startFakeOpenAI } from '../support/fakeOpenAI';
import type { FakeOpenAI } from '../support/fakeOpenAI';
import { commitsOn, conversation, makeEngine, scriptedTeam } from '../support/engineHarness';
import { MemoryRecords } from '../support/memoryRecords';
import { git, makeRepo } from '../support/repoBuilder';
import { processAlive } from '../../src/core/liveness';

// The kill switch: cancel stops the agents now, and the checkpoint keeps the workflow resumable.

/** The host's pid of the process whose command line is exactly `argv` (a command in the sandbox knows only its own pids). */
function hostPidOf(argv: readonly string[]): number | undefined {
  const wanted = `${argv.join('\0')}\0`;
  const pid = readdirSync('/proc').find((name) => {
    try {
      return /^\d+$/.test(name) && readFileSync(`/proc/${name}/cmdline`, 'utf8') === wanted;
    } catch {
      return false;
    }
  });
  return pid === undefined ? undefined : Number(pid);
}

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

  it('pauses: the agents stop as for a cancel, but the workflow stays paused with its branches and worktrees, and goes on', async () => {
    const twoTasks = { rationale: 'two', tasks: [plan.tasks[0]!, { id: 't2', title: 'Add b', description: 'src/b.ts', capabilities: ['implement'], dependsOn: ['t1'], files: ['src/b.ts'], risks: [] }] };
    let inFlight!: () => void;
    const hanging = new Promise<void>((resolve) => (inFlight = resolve));
    server = await startFakeOpenAI({
      rules: [{ name: 't2 hangs once', match: (req) => conversation(req).user.startsWith('Your task t2'), reply: () => { inFlight(); return { fault: { kind: 'hang' } }; }, times: 1 }],
      fallback: scriptedTeam(twoTasks, { assignments: [...routing.assignments, { taskId: 't2', agentId: 'coder', rationale: 'coder', confidence: 0.9 }] }, {
        coder: { work: (t) => [{ name: 'write_file', args: { path: `src/${t === 't1' ? 'a' : 'b'}.ts`, content: 'export {};\n' } }] },
      }),
    });
    const repo = makeRepo();
    // Branches and worktrees go when a workflow ends (baton.git.keepWorktrees off): a pause is no end.
    const h = await makeEngine(repo, server, { keepWorktrees: false });
    const id = await h.engine.start('add a and b');
    const running = h.engine.run(id);
    await hanging;
    assert.equal(h.engine.pause(id), true);
    const stopped = await running;
    assert.deepEqual(stopped, { status: 'paused', reason: 'user', approvals: [], costUsd: stopped.costUsd });
    assert.equal((await h.engine.status(id)).status, 'paused');
    assert.deepEqual(h.of('workflow.paused').map((e) => e.data.reason), ['user']);
    assert.equal(h.of('workflow.cancelled').length, 0);
    assert.deepEqual(commitsOn(repo, `baton/${id}/coder`), ['Add a (t1, round 1)', 'initial commit'], 't1\'s work stays on its branch');
    assert.ok(existsSync(`${repo}/.git/baton/worktrees/${id}/coder`), 'and its worktree stays');
    await server.waitForIdle();
    const end = await h.engine.run(id);
    assert.equal(end.status, 'completed', JSON.stringify(end));
    assert.deepEqual(h.of('agent.started').map((e) => e.data.taskId), ['t1', 't2', 't2']);
  });

  it('stops every agent at once: a model call in flight is aborted and a running command is killed', async () => {
    const twoPlan = { rationale: 'two at once', tasks: [
      { id: 't1', title: 'Build', description: 'run the build', capabilities: ['implement'], dependsOn: [], files: [], risks: [] },
      { id: 't2', title: 'Test', description: 'write a test', capabilities: ['test'], dependsOn: [], files: [], risks: [] },
    ] };
    const twoRouting = { assignments: [
      { taskId: 't1', agentId: 'coder', rationale: 'builds', confidence: 0.9 },
      { taskId: 't2', agentId: 'tester', rationale: 'tests', confidence: 0.9 },
    ] };
    const seconds = `600.${process.pid}${Date.now() % 100_000}`; // tells this sleep from any other on the machine
    const command = `echo started > build.pid; exec sleep ${seconds}`;
    let testerWaits!: () => void;
    const testerInFlight = new Promise<void>((resolve) => (testerWaits = resolve));
    server = await startFakeOpenAI({
      rules: [{
        name: 'the tester\'s first turn hangs',
        match: (req) => conversation(req).system.startsWith('Baton agent tester'),
        reply: () => {
          testerWaits();
          return { fault: { kind: 'hang' } };
        },
        times: 1,
      }],
      fallback: scriptedTeam(twoPlan, twoRouting, { coder: { work: () => [{ name: 'run_command', args: { command } }] } }),
    });
    const repo = makeRepo();
    const h = await makeEngine(repo, server, { allowCommands: [command] });
    const id = await h.engine.start('build and test');
    const running = h.engine.run(id);
    const pidFile = `${repo}/.git/baton/worktrees/${id}/coder/build.pid`;
    await testerInFlight;
    let pid: number | undefined;
    await until(() => existsSync(pidFile) && (pid = hostPidOf(['sleep', seconds])) !== undefined);
    assert.ok(pid !== undefined && processAlive(pid), 'the command runs');

    assert.equal(h.engine.cancel(id), true);
    assert.equal((await running).status, 'cancelled');
    assert.equal(processAlive(pid!), false, 'the command was killed with its agent');
    await server.waitForIdle(); // the tester's request was aborted: nothing is left in flight
    assert.equal((await h.engine.status(id)).status, 'cancelled');
  });
});


/** Waits for a condition the test cannot be told about (a file another process writes), looking every 10 ms. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

