// The engine benchmark: how close the real engine gets to the ideal schedule, and how much running
// agents in parallel buys. A real git repository, the real Engine (makeEngine: the real OpenAI
// client against the fake OpenAI server, real worktrees and commits, the SQLite store the CLI
// uses), a fake model answering every request after a fixed 200 ms from its own worker thread,
// and a team of 8 coders (no reviewer or tester, no approvals) working a plan of 24 tasks in 3
// dependency waves of 8.
// Every task is exactly K model calls (K - 1 write_file turns, then finish), so
//   ideal critical path = (analyze + route + 3 waves × K + reflect) calls × 200 ms
// and running the same 24 tasks one after another (concurrency 1, measured in the same run) takes
// at best (3 + 24 K) calls. Reported: wall time / ideal (target <= 1.05), sequential / parallel
// (target >= 7×), and where the time beyond the ideal goes, along the critical path.
//
//   node --import tsx bench/engine.ts [--write] [--runs 3] [--calls 10] [--store sqlite|memory]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemorySaver } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { SqliteCheckpointer } from '../src/core/store/sqliteCheckpointer';
import { batonDatabasePath, SqliteDatabase } from '../src/core/store/sqliteDatabase';
import { SqliteWorkflowRecords } from '../src/core/store/sqliteWorkflowRecords';
import type { WorkflowRecords } from '../src/core/workflowRecords';
import { makeEngine } from '../test/support/engineHarness';
import type { FakeOpenAI } from '../test/support/fakeOpenAI';
import { MemoryRecords } from '../test/support/memoryRecords';
import { makeRepo } from '../test/support/repoBuilder';
import { agentId, benchTeam, criticalPathCalls, sequentialCalls, supersteps, taskIdOf } from './support/engineScenario';
import type { Scenario } from './support/engineScenario';
import { clientFloor } from './support/engineFloor';
import type { FloorRun } from './support/engineFloor';
import { startServerThread } from './support/engineServer';
import { criticalPath, now, Probe, segmentLabels, useProbe } from './support/engineTimeline';
import type { PathReport, Segment, Span } from './support/engineTimeline';
import { load, machine, table, writeSection } from './support/report';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] ?? fallback : fallback;
};
const write = argv.includes('--write');
const runs = Number(option('--runs', '3'));
const store = option('--store', 'sqlite');
const scenario: Scenario = { agents: 8, waves: 3, tasksPerWave: 8, callsPerTask: Number(option('--calls', '10')), latencyMs: 200 };
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of parallel runs, e.g. --runs 3');
if (!Number.isInteger(scenario.callsPerTask) || scenario.callsPerTask < 1) throw new Error('--calls takes the model calls per task, e.g. --calls 10');
if (store !== 'sqlite' && store !== 'memory') throw new Error('--store is sqlite (what the CLI uses) or memory');
const parallelConcurrency = 8;
const targets = { ratio: 1.05, speedup: 7 };

interface Run {
  concurrency: number;
  wallMs: number;
  idealMs: number;
  calls: number;
  path: PathReport;
  probe: Probe;
  /** ms after the route reply: [first started, last started, first finished, last finished] per wave. */
  waves: [number, number, number, number][];
  /** How long the engine's event loop was busy (the one JavaScript thread every agent shares). */
  busyMs: number;
  rssMb: number;
}

const taskIds = Array.from({ length: scenario.waves }, (_, w) => Array.from({ length: scenario.tasksPerWave }, (_, i) => taskIdOf(w, i)));
const agentOf = (taskId: string): string => agentId((Number(/-t(\d+)$/.exec(taskId)?.[1]) - 1) % scenario.agents);

async function runWorkflow(concurrency: number, tmp: string): Promise<Run> {
  const probe = new Probe();
  useProbe(probe);
  const server = await startServerThread(scenario);
  const repo = makeRepo({ 'README.md': '# bench\n', 'src/index.ts': 'export {};\n' }, tmp);
  let checkpointer: BaseCheckpointSaver;
  let records: WorkflowRecords;
  let db: SqliteDatabase | undefined;
  if (store === 'sqlite') {
    // What openEngine wires for `baton run` and the extension.
    db = SqliteDatabase.open(batonDatabasePath(join(repo, '.git', 'baton')));
    checkpointer = new SqliteCheckpointer(db);
    records = new SqliteWorkflowRecords(db);
  } else {
    checkpointer = new MemorySaver();
    records = new MemoryRecords();
  }
  probe.watchCheckpointer(checkpointer);
  try {
    // makeEngine reads only the server's baseUrl.
    const h = await makeEngine(repo, { baseUrl: server.baseUrl } as Pick<FakeOpenAI, 'baseUrl'> as FakeOpenAI, {
      team: benchTeam(scenario), concurrency, requestsPerMinute: 1_000_000, require: [], checkpointer, records,
      // Conflict prediction is git work of its own, measured against its own target (issue 4's
      // benchmark); here it would add background dry-run merges to the dispatch being measured.
      predictConflicts: false,
    });
    h.engine.bus.on('*', probe.onEvent);
    const elu0 = performance.eventLoopUtilization();
    const t0 = now();
    const id = await h.engine.start('implement the three steps of the feature');
    const outcome = await h.engine.run(id);
    const tEnd = now();
    const busyMs = performance.eventLoopUtilization(elu0).active;
    if (outcome.status !== 'completed') throw new Error(`the workflow did not complete: ${JSON.stringify(outcome)}`);
    const calls = await server.calls();
    const expected = sequentialCalls(scenario);
    const finished = h.of('agent.finished').length;
    if (calls.length !== expected || finished !== taskIds.flat().length || probe.commits.length !== finished) {
      throw new Error(`unexpected work: ${calls.length} model calls (expected ${expected}), ${finished} tasks finished, ${probe.commits.length} commits`);
    }
    const route = calls.find((c) => c.kind === 'route')!;
    const chain = concurrency >= scenario.tasksPerWave
      ? taskIds.map((wave) => wave.reduce((a, b) => (probe.finished.get(a)! >= probe.finished.get(b)! ? a : b)))
      : taskIds.flat().sort((a, b) => probe.started.get(a)! - probe.started.get(b)!);
    const waves = taskIds.map((wave) => {
      const s = wave.map((t) => probe.started.get(t)! - route.reply);
      const f = wave.map((t) => probe.finished.get(t)! - route.reply);
      return [Math.min(...s), Math.max(...s), Math.min(...f), Math.max(...f)] as [number, number, number, number];
    });
    const idealMs = (concurrency >= scenario.tasksPerWave ? criticalPathCalls(scenario) : sequentialCalls(scenario)) * scenario.latencyMs;
    const path = criticalPath(probe, calls, chain, agentOf, scenario.latencyMs, t0, tEnd);
    return { concurrency, wallMs: tEnd - t0, idealMs, calls: calls.length, path, probe, waves, busyMs, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) };
  } finally {
    await server.close();
    db?.close();
  }
}

const ms = (n: number): string => n.toFixed(0);
const x = (n: number): string => `${n.toFixed(2)}×`;
const pass = (ok: boolean): string => (ok ? '**PASS**' : '**FAIL**');
const median = <T>(items: T[], by: (t: T) => number): T => [...items].sort((a, b) => by(a) - by(b))[Math.floor((items.length - 1) / 2)]!;

function spans(list: Span[], key?: string): string {
  const d = list.filter((s) => key === undefined || s.key === key).map((s) => s.end - s.start);
  if (!d.length) return 'none';
  return `${d.length} × mean ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(1)} ms, max ${Math.max(...d).toFixed(1)} ms, total ${ms(d.reduce((a, b) => a + b, 0))} ms`;
}

/** The headline of the breakdown, computed so it cannot go stale. */
function summary(par: Run, seq: Run): string {
  const g = par.path.segments;
  const beyond = par.wallMs - par.idealMs;
  const git = g.worktree + g.git + g.commit;
  const total = (list: Span[]) => list.reduce((a, b) => a + b.end - b.start, 0);
  return `**In short:** of the ${ms(beyond)} ms the median parallel run took beyond the ideal, ${ms(git)} ms (${(100 * git / beyond).toFixed(0)}%) were git
calls on the critical path (worktree creation ${ms(g.worktree)}, the tasks' other git calls ${ms(g.git)}, commits ${ms(g.commit)}), and the
model-call plumbing (request, response, tool, timer) ${ms(g.request + g.response + g.tool + g.overshoot)} ms. The engine's one JavaScript thread was busy
${ms(par.busyMs)} ms of the ${ms(par.wallMs)} ms (${(par.busyMs / par.calls).toFixed(1)} ms a model call). Git runs from Baton's helper process (decision 0009), so
the thread no longer forks for it: ${par.probe.spawns.length} process(es) started from the engine itself, ${ms(total(par.probe.spawns))} ms in all. What remains
is CPU shared by 8 agents on 2 cores: the 8 commits that end a wave run at once (commits: mean ${ms(total(par.probe.commits) / par.probe.commits.length)} ms
in parallel against ${ms(total(seq.probe.commits) / seq.probe.commits.length)} ms one at a time). The engine process's resident memory was ${par.rssMb} MB at the end of the run
(the benchmark runs the TypeScript sources through tsx).`;
}

function firstEnsures(probe: Probe): Span[] {
  return [...new Map([...probe.ensures].reverse().map((e) => [e.key, e])).values()];
}

function toolTimes(probe: Probe): string {
  const d = [...probe.tools.values()].flat().filter((t) => t.tool === 'write_file').map((t) => t.durationMs);
  return d.length ? `${d.length} × mean ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(1)} ms, max ${Math.max(...d)} ms` : 'none';
}

/** The client alone, the same calls against a fresh server thread (see support/engineFloor.ts). */
async function floorRun(): Promise<FloorRun> {
  const server = await startServerThread(scenario);
  try {
    return await clientFloor(scenario, server.baseUrl);
  } finally {
    await server.close();
  }
}

function markdown(parallel: Run[], seq: Run, floors: FloorRun[], loads: [number, number]): string {
  const s = scenario;
  const par = median(parallel, (r) => r.wallMs);
  const ratio = par.wallMs / par.idealMs;
  const speedup = seq.wallMs / par.wallMs;
  const bestSpeedup = sequentialCalls(s) / criticalPathCalls(s);
  const steps = supersteps(s);
  const floor = median(floors, (f) => f.wallMs);
  const row = (r: Run, label: string) => [label, r.concurrency, r.calls, r.idealMs / s.latencyMs, ms(r.idealMs), ms(r.wallMs), x(r.wallMs / r.idealMs),
    ms(r.wallMs - r.idealMs), (r.concurrency >= s.tasksPerWave ? ((r.wallMs - r.idealMs) / steps).toFixed(1) : 'n/a'),
    `${ms(r.busyMs)} (${(r.busyMs / r.calls).toFixed(1)})`];
  const segmentRows = (Object.keys(segmentLabels) as Segment[]).map((k) => [segmentLabels[k], ms(par.path.segments[k]), ms(seq.path.segments[k])]);
  const sum = (r: Run) => Object.values(r.path.segments).reduce((a, b) => a + b, 0);
  return `## Engine: parallel waves against the ideal critical path

Run on ${new Date().toISOString().slice(0, 10)}: ${machine()}; 1-minute load average ${loads[0]} before, ${loads[1]} after. Source: \`bench/engine.ts\`
(\`bench/support/engineScenario.ts\`, \`engineServer.ts\`, \`engineTimeline.ts\`). Run it alone with

    node --import tsx bench/engine.ts [--write] [--runs 3] [--calls 10] [--store sqlite|memory]

**The workload.** Conflict prediction off (it is git work with a target of its own). A real git repository and the real engine (\`makeEngine\`: the real OpenAI client against the
fake OpenAI server, real worktrees and commits, ${store === 'sqlite' ? 'the SQLite checkpointer and records that `baton run` uses' : 'an in-memory checkpointer and records (`--store memory`)'}); the fake
model answers every request after a fixed ${s.latencyMs} ms, from its own worker thread (like a remote endpoint, its work does not
queue on the engine's event loop). A team of ${s.agents} coders (\`coder-1..${s.agents}\`, no reviewer
or tester, feedback rounds 1, no approval triggers, ${'requestsPerMinute'} 1,000,000); a plan of ${s.waves * s.tasksPerWave} tasks in ${s.waves} waves
of ${s.tasksPerWave}, every task depending on every task of the wave before, routed round-robin (one task per agent per
wave), each writing its own files in exactly **K = ${s.callsPerTask} model calls** (${s.callsPerTask - 1} \`write_file\` turns, then
\`finish\`) and committing once. Parallel: concurrency ${parallelConcurrency}, ${parallel.length} runs (the median is reported); sequential:
the same workflow at concurrency 1, so the tasks run one after another, once, in the same process.

**The ideal.** Critical path = analyze + route + ${s.waves} waves × K + reflect = ${criticalPathCalls(s)} calls × ${s.latencyMs} ms =
${criticalPathCalls(s) * s.latencyMs / 1000} s. One after another: 3 + ${s.waves * s.tasksPerWave} × K = ${sequentialCalls(s)} calls = ${sequentialCalls(s) * s.latencyMs / 1000} s. So the best possible
speed-up is ${sequentialCalls(s)} / ${criticalPathCalls(s)} = **${x(bestSpeedup)}**, below ${s.tasksPerWave}× because analyze, route and reflect cannot
overlap anything. K was chosen so that both targets can hold at once: with K = 2 the best speed-up would be
51 / 9 = 5.67×; at the ratio's limit (1.05) even a perfect sequential run gives ${x(bestSpeedup / targets.ratio)} here.

### Targets

${table(['target', 'measured', 'best possible', 'result'], [
  [`wall time / ideal critical path, concurrency ${parallelConcurrency} ≤ ${targets.ratio}`, `${ratio.toFixed(3)} (${ms(par.wallMs)} / ${ms(par.idealMs)} ms)`, '1.000', pass(ratio <= targets.ratio)],
  [`speed-up over the same tasks one after another ≥ ${targets.speedup}×`, `${x(speedup)} (${ms(seq.wallMs)} / ${ms(par.wallMs)} ms)`, x(bestSpeedup), pass(speedup >= targets.speedup)],
])}

### Runs

${table(['run', 'concurrency', 'model calls', 'calls in a row (ideal)', 'ideal ms', 'wall ms', 'wall / ideal', 'beyond ideal ms', `per superstep ms (${steps})`, 'engine thread busy ms (per call)'], [
  ...parallel.map((r, i) => row(r, `parallel ${i + 1}${r === par ? ' (median)' : ''}`)),
  row(seq, 'sequential'),
  ...floors.map((f, i) => [`the client alone ${i + 1}${f === floor ? ' (median)' : ''}`, parallelConcurrency, f.calls, f.idealMs / s.latencyMs, ms(f.idealMs), ms(f.wallMs), x(f.wallMs / f.idealMs), ms(f.wallMs - f.idealMs), 'n/a (no graph)', 'n/a']),
])}

**The floor.** "The client alone" makes the same ${criticalPathCalls(s)}-in-a-row, ${sequentialCalls(s)}-call pattern with nothing of Baton around it
(\`bench/support/engineFloor.ts\`): the same ChatOpenAI client as Baton makes it, the agents' tools bound, the same
fake server thread, 8 conversations at once, and no graph, tool, git, event or checkpoint. Its median, ${x(floor.wallMs / floor.idealMs)}
(${ms(floor.wallMs - floor.idealMs)} ms beyond the ideal), is what HTTP, JSON, LangChain, the OpenAI SDK and 2 shared cores cost on this machine;
it leaves Baton ${ms(Math.max(0, targets.ratio * floor.idealMs - floor.wallMs))} ms of the ${ms((targets.ratio - 1) * floor.idealMs)} ms the ${targets.ratio} target allows. Baton's own work on the critical path
(the median parallel run less the median floor) is ${ms(par.wallMs - floor.wallMs)} ms, ${((par.wallMs - floor.wallMs) / (criticalPathCalls(s) - 3)).toFixed(1)} ms per agent step.

### Where the time goes

The wall time of the median parallel run and of the sequential run, cut along the critical path (analyze, route,
then the task that finished last in each wave, or every task in turn, then reflect); each column adds up to
the wall time (${ms(sum(par))} and ${ms(sum(seq))} ms). Timestamps come from the event bus (agent.started/finished, cost.recorded,
agent.tool_call), the fake server (request received, reply sent) and timers around every \`AgentWorkspaces\` method,
\`child_process.spawn\`, the rate limiter and the checkpointer; "engine thread busy" is the event loop's utilization
(\`performance.eventLoopUtilization\`) during the run.

${table(['segment', 'parallel ms', 'sequential ms'], segmentRows)}

${summary(par, seq)}

Waves of the median parallel run, ms after the route reply (agent.started, agent.finished):

${table(['wave', 'first start', 'last start', 'first finish', 'last finish'], par.waves.map((w, i) => [i + 1, ...w.map(ms)]))}

Totals over the whole median parallel run, critical or not:
- \`git worktree add\` (with \`worktree prune\` and \`branch --list\`, under the repository lock), each agent's first task: ${spans(firstEnsures(par.probe))}; later tasks (the worktree is there): ${spans(par.probe.ensures.filter((e) => !firstEnsures(par.probe).includes(e)))}
- other git calls of the agents (\`headOf\`, \`revertTo\`, ...): ${spans(par.probe.git)}
- commits: ${spans(par.probe.commits)} (the sequential run: ${spans(seq.probe.commits)})
- checkpointer \`put\`: ${spans(par.probe.checkpoints, 'put')}; \`putWrites\`: ${spans(par.probe.checkpoints, 'putWrites')}; \`getTuple\`: ${spans(par.probe.checkpoints, 'getTuple')}
- processes started (\`child_process.spawn\`, nearly all git), the engine's thread blocked inside each call: ${spans(par.probe.spawns)}; the sequential run: ${spans(seq.probe.spawns)}
- rate limiter waits: ${spans(par.probe.limiter)}
- \`write_file\` as the agent loop timed it (agent.tool_call durationMs): ${toolTimes(par.probe)}
`;
}

async function main(): Promise<number> {
  const tmp = mkdtempSync(join(tmpdir(), 'baton-bench-engine-'));
  try {
    const before = load();
    const parallel: Run[] = [];
    const floors: FloorRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runWorkflow(parallelConcurrency, tmp);
      parallel.push(r);
      console.error(`[bench] parallel ${i + 1}/${runs}: ${ms(r.wallMs)} ms, ideal ${ms(r.idealMs)} ms, ratio ${(r.wallMs / r.idealMs).toFixed(3)}`);
      // Alternating with the engine's runs, so both see the same machine.
      const f = await floorRun();
      floors.push(f);
      console.error(`[bench] the client alone ${i + 1}/${runs}: ${ms(f.wallMs)} ms, ratio ${(f.wallMs / f.idealMs).toFixed(3)}`);
    }
    console.error(`[bench] sequential (concurrency 1, ideal ${sequentialCalls(scenario) * scenario.latencyMs / 1000} s)...`);
    const seq = await runWorkflow(1, tmp);
    console.error(`[bench] sequential: ${ms(seq.wallMs)} ms, ideal ${ms(seq.idealMs)} ms, ratio ${(seq.wallMs / seq.idealMs).toFixed(3)}`);
    const section = markdown(parallel, seq, floors, [before, load()]);
    console.log(section);
    const par = median(parallel, (r) => r.wallMs);
    const ratioOk = par.wallMs / par.idealMs <= targets.ratio;
    const speedupOk = seq.wallMs / par.wallMs >= targets.speedup;
    console.error(`[bench] ${ratioOk ? 'PASS' : 'FAIL'} wall / ideal critical path ${(par.wallMs / par.idealMs).toFixed(3)} (target <= ${targets.ratio})`);
    console.error(`[bench] ${speedupOk ? 'PASS' : 'FAIL'} speed-up ${x(seq.wallMs / par.wallMs)} (target >= ${targets.speedup}×, best possible ${x(sequentialCalls(scenario) / criticalPathCalls(scenario))})`);
    if (write) {
      writeSection(join(root, 'docs', 'benchmarks.md'), 'engine', section);
      console.error('[bench] wrote docs/benchmarks.md');
    }
    return ratioOk && speedupOk ? 0 : 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`[bench] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
