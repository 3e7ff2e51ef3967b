// Where the engine benchmark's time goes. A Probe collects timestamps from the event bus
// (agent.started/finished, cost.recorded, agent.tool_call) and from timers wrapped around the git
// workspace, the rate limiter and the checkpointer (measurement only: each wrapper calls the
// original and records how long it took); the fake model's thread says when each request arrived
// and was answered (engineServer.ts). criticalPath() then cuts the run's wall time into named
// segments that add up to it exactly.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import type { BatonEvent } from '../../src/core/events/events';
import { AgentWorkspaces } from '../../src/core/git/workspaces';
import { RateLimiter } from '../../src/core/models/rateLimiter';
import type { Call } from './engineServer';

/** Epoch milliseconds with sub-millisecond precision, comparable with Date.getTime(). */
export const now = (): number => performance.timeOrigin + performance.now();

export interface Span { start: number; end: number; key: string }

export class Probe {
  readonly ensures: Span[] = [];
  readonly commits: Span[] = [];
  /** The other AgentWorkspaces calls (headOf, revertTo, diffOf...), keyed <agent>:<method>. */
  readonly git: Span[] = [];
  /** child_process.spawn() calls: the time the engine's thread spent inside each (fork and exec are synchronous). */
  readonly spawns: Span[] = [];
  readonly limiter: Span[] = [];
  readonly checkpoints: Span[] = [];
  readonly started = new Map<string, number>();
  readonly finished = new Map<string, number>();
  /** Per task: when each reply had been parsed by the client (cost.recorded), and each tool call reported. */
  readonly parsed = new Map<string, number[]>();
  readonly tools = new Map<string, { at: number; tool: string; durationMs: number }[]>();

  onEvent = (e: BatonEvent): void => {
    if (e.type === 'agent.started') this.started.set(e.data.taskId, now());
    if (e.type === 'agent.finished') this.finished.set(e.data.taskId, now());
    if (e.type === 'cost.recorded' && e.data.taskId) push(this.parsed, e.data.taskId, now());
    if (e.type === 'agent.tool_call') push(this.tools, e.data.taskId, { at: now(), tool: e.data.tool, durationMs: e.data.durationMs ?? 0 });
  };

  /** Times the checkpointer's writes and reads (the graph awaits them between supersteps). */
  watchCheckpointer(saver: BaseCheckpointSaver): void {
    for (const op of ['put', 'putWrites', 'getTuple'] as const) {
      const original = saver[op].bind(saver) as (...args: unknown[]) => Promise<unknown>;
      (saver as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => timed(this.checkpoints, op, () => original(...args));
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function timed<T>(into: Span[], key: string, fn: () => Promise<T>): Promise<T> {
  const start = now();
  try {
    return await fn();
  } finally {
    into.push({ start, end: now(), key });
  }
}

let active: Probe | undefined;
let installed = false;
const inside = new AsyncLocalStorage<true>();

/**
 * Installs the timers once; they record into the probe of the run in progress. Every method of
 * AgentWorkspaces is timed (the outermost call only, so commit's own helpers are not counted twice):
 * ensure by agent, commit by task, the others (headOf, revertTo, diffOf...) by agent.
 */
export function useProbe(probe: Probe): void {
  active = probe;
  if (installed) return;
  installed = true;
  const proto = AgentWorkspaces.prototype as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(AgentWorkspaces.prototype)) {
    const original = proto[name];
    // workspaceOf is synchronous (a path): only the methods that run git are timed.
    if (name === 'constructor' || name === 'workspaceOf' || typeof original !== 'function') continue;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const p = active;
      const call = () => (original as (...a: unknown[]) => unknown).apply(this, args);
      if (!p || inside.getStore()) return call();
      const [first, second] = args;
      const agent = typeof second === 'string' && name === 'ensure' ? second
        : typeof first === 'object' && first !== null && 'branch' in first ? String((first as { branch: string }).branch).split('/').pop()! : 'repository';
      const into = name === 'ensure' ? p.ensures : name === 'commit' ? p.commits : p.git;
      // commit's step id is <workflow>/<task>/<agent>/r<round>
      const key = name === 'ensure' ? agent : name === 'commit' ? String(second).split('/')[1] ?? String(second) : `${agent}:${name}`;
      return inside.run(true, () => timed(into, key, async () => call()));
    };
  }
  // Git runs through child_process.execFile (src/core/git/gitRunner.ts), tools through spawn: both are
  // looked up on the module object at each call, so that is where the synchronous fork time is measured.
  const childProcess = createRequire(import.meta.filename)('node:child_process') as typeof import('node:child_process');
  for (const method of ['spawn', 'execFile'] as const) {
    const original = childProcess[method] as (...a: unknown[]) => unknown;
    (childProcess as unknown as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      const start = now();
      try {
        return original.apply(this, args);
      } finally {
        active?.spawns.push({ start, end: now(), key: String(args[0]) });
      }
    };
  }
  const acquire = RateLimiter.prototype.acquire;
  RateLimiter.prototype.acquire = function (this: RateLimiter, signal) {
    const p = active;
    return p ? timed(p.limiter, 'acquire', () => acquire.call(this, signal)) : acquire.call(this, signal);
  };
}

export type Segment = 'start' | 'model' | 'overshoot' | 'request' | 'response' | 'tool' | 'client' | 'worktree' | 'git' | 'commit' | 'between' | 'end';

export const segmentLabels: Record<Segment, string> = {
  start: 'engine.start() and run() until the analyze request arrives (git rev-parse, records, graph start)',
  model: 'model latency: critical-path calls × the fixed latency (the ideal)',
  overshoot: "fake server's timer firing late (reply sent − request received − latency)",
  request: "agent loop to the server: from the last tool result to the next request's arrival (rate limiter, LangChain request, HTTP)",
  response: 'server to agent loop: from the reply being sent to the client having parsed it (HTTP, LangChain parsing, cost.recorded)',
  tool: 'tool run: from the parsed reply to agent.tool_call (write_file, or finish)',
  client: 'the rest of the task: agent.started to the first request, after finish until the commit, after the commit until agent.finished (less the git calls below)',
  worktree: 'worktree creation (`git worktree add`, serialized on the repository lock) before the task could start',
  git: "the task's other git calls: `AgentWorkspaces.headOf` and `revertTo` (`rev-parse`, `reset --hard`, `clean -fd`) before its first request, `diffOf` (`git show`) after its commit",
  commit: 'git commit of the task (one shell: `add -A`, `commit`, `show`; `log --grep` only when there was nothing to commit)',
  between: 'between nodes: LangGraph supersteps (checkpoint writes, dispatch, Send fan-out), pool hand-over',
  end: 'after the reflect reply until run() returns (parse, checkpoint, outcome, records)',
};

export interface PathReport {
  segments: Record<Segment, number>;
  /** The tasks the critical path goes through, in order. */
  chain: string[];
}

/**
 * Cuts [t0, tEnd] along the critical path: analyze, route, then `chain` (tasks one after another,
 * each starting after the previous one finished), then reflect. For a parallel run the chain is the
 * last task to finish in each wave; for a sequential one, every task in the order they started.
 */
export function criticalPath(probe: Probe, calls: Call[], chain: string[], agentOf: (taskId: string) => string, latencyMs: number, t0: number, tEnd: number): PathReport {
  const seg: Record<Segment, number> = { start: 0, model: 0, overshoot: 0, request: 0, response: 0, tool: 0, client: 0, worktree: 0, git: 0, commit: 0, between: 0, end: 0 };
  /** [from, to] goes to `into`, except the time the agent's own git calls took in it. */
  const add = (into: Segment, from: number, to: number, agent: string): void => {
    const git = probe.git.filter((g) => g.key.startsWith(`${agent}:`)).reduce((sum, g) => sum + Math.max(0, Math.min(g.end, to) - Math.max(g.start, from)), 0);
    seg.git += git;
    seg[into] += to - from - git;
  };
  const one = (kind: Call['kind']): Call => {
    const c = calls.find((x) => x.kind === kind);
    if (!c) throw new Error(`no ${kind} call was recorded`);
    return c;
  };
  const model = (c: Call): void => {
    seg.model += latencyMs;
    seg.overshoot += c.reply - c.arrive - latencyMs;
  };
  const analyze = one('analyze');
  const route = one('route');
  const reflect = one('reflect');
  seg.start += analyze.arrive - t0;
  model(analyze);
  seg.between += route.arrive - analyze.reply;
  model(route);
  let prev = route.reply;
  for (const taskId of chain) {
    const started = probe.started.get(taskId);
    const commit = probe.commits.find((s) => s.key === taskId);
    const own = calls.filter((c) => c.taskId === taskId);
    const finished = probe.finished.get(taskId);
    if (started === undefined || !commit || !own.length || finished === undefined) throw new Error(`incomplete timeline for ${taskId}`);
    seg.between += started - prev;
    // The worktree is set up alongside the first model call, and the agent's tools wait for it: what
    // it adds to the path is the part of the first tool turn spent waiting, counted here as worktree time.
    const ensure = ensureOf(probe, agentOf(taskId), taskId);
    const firstParsed = (probe.parsed.get(taskId) ?? [])[0];
    const waited = ensure && firstParsed !== undefined ? Math.max(0, ensure.end - firstParsed) : 0;
    seg.worktree += waited;
    seg.tool -= waited;
    const parsed = probe.parsed.get(taskId) ?? [];
    const tools = probe.tools.get(taskId) ?? [];
    if (parsed.length !== own.length || tools.length !== own.length) throw new Error(`${taskId}: ${own.length} calls, ${parsed.length} parsed replies, ${tools.length} tool calls`);
    const agent = agentOf(taskId);
    let at = started;
    own.forEach((c, j) => {
      add(j === 0 ? 'client' : 'request', at, c.arrive, agent);
      model(c);
      add('response', c.reply, parsed[j]!, agent);
      add('tool', parsed[j]!, tools[j]!.at, agent);
      at = tools[j]!.at;
    });
    add('client', at, commit.start, agent);
    seg.commit += commit.end - commit.start;
    add('client', commit.end, finished, agent);
    prev = finished;
  }
  seg.between += reflect.arrive - prev;
  model(reflect);
  seg.end += tEnd - reflect.reply;
  return { segments: seg, chain };
}

/** The ensure() that opened the task: its agent's last one that started by agent.started. */
function ensureOf(probe: Probe, agentId: string, taskId: string): Span | undefined {
  const started = probe.started.get(taskId);
  if (started === undefined) return undefined;
  return probe.ensures.filter((s) => s.key === agentId && s.start <= started + 0.5).sort((a, b) => b.start - a.start)[0];
}
