// Builds a real Engine for tests: a real git repository, the real @langchain/openai client against
// the fake OpenAI-compatible server, real worktrees; only the records are in memory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySaver } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { defaultTeamConfig } from '../../src/core/config/defaultTeam';
import type { TeamConfig } from '../../src/core/config/teamSchema';
import type { ApprovalTrigger } from '../../src/core/config/vocabulary';
import { TrustStore } from '../../src/core/config/trustStore';
import { Pricing } from '../../src/core/cost/pricing';
import { AuditLogRecorder } from '../../src/core/events/auditLogRecorder';
import { Engine } from '../../src/core/engine';
import type { EngineOptions } from '../../src/core/engine';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import type { WorkflowRecords } from '../../src/core/workflowRecords';
import { RepoTrust } from '../../src/core/repoTrust';
import type { ChatRequest, FakeOpenAI, Reply, ToolCallReply } from './fakeOpenAI';
import { MemoryRecords } from './memoryRecords';
import { git } from './repoBuilder';

export interface Harness {
  engine: Engine;
  events: BatonEvent[];
  records: WorkflowRecords;
  of<T extends BatonEvent['type']>(type: T): Extract<BatonEvent, { type: T }>[];
}

export interface EngineOverrides extends Partial<EngineOptions> {
  team?: TeamConfig;
  require?: ApprovalTrigger[];
  checkpointer?: BaseCheckpointSaver;
  /** ask (default): stop for a person; auto / never: decide by policy. */
  approvalMode?: 'ask' | 'auto' | 'never';
}

export async function makeEngine(repo: string, server: FakeOpenAI, overrides: EngineOverrides = {}): Promise<Harness> {
  const bus = new EventBus();
  const events: BatonEvent[] = [];
  bus.on('*', (e) => void events.push(e));
  // As openEngine wires it: every event in the workflow's audit log (what `baton status` and cost roll-ups read).
  new AuditLogRecorder(bus, join(repo, '.git', 'baton'), () => ['test-key']);
  const records = overrides.records ?? new MemoryRecords();
  const { approvalMode, require, ...options } = overrides;
  const engine = new Engine({
    repoDir: repo,
    batonDir: join(repo, '.git', 'baton'),
    team: overrides.team ?? defaultTeamConfig(),
    endpoint: { baseUrl: server.baseUrl, model: 'test-model', apiKey: 'test-key' },
    bus,
    checkpointer: overrides.checkpointer ?? new MemorySaver(),
    records,
    concurrency: 4,
    requestsPerMinute: 100_000,
    approvals: { require: require ?? ['dependencies', 'schema', 'deployment', 'publicApi', 'largeChange', 'budget'], confidenceThreshold: 0.6, mode: approvalMode ?? 'ask' },
    allowCommands: [],
    pricing: await Pricing.load({ 'test-model': { inputPerMillion: 1, outputPerMillion: 2 } }),
    // Most tests look at the agents' branches after the workflow and at a user's branch no one merged
    // into: both are opt-in here (the product removes the branches and asks to merge; see the integration tests).
    keepWorktrees: true,
    mergeOnApproval: false,
    ...options,
    // Backoffs of a few milliseconds: a test never waits out a real one.
    resilience: { initialDelayMs: 1, maxDelayMs: 10, ...options.resilience },
  });
  return { engine, events, records, of: (type) => events.filter((e) => e.type === type) as never };
}

/** The team's requests (its check, commands) trusted by the user, as `baton trust` records it, in a trust file of the test's own. */
export async function trustedRequests(repo: string, team: TeamConfig, user: { checkCommand?: string; allowCommands?: string[] } = {}): Promise<RepoTrust> {
  const trust = new RepoTrust(repo, team, { checkCommand: user.checkCommand, allowCommands: user.allowCommands ?? [] }, new TrustStore(join(mkdtempSync(join(tmpdir(), 'baton-trust-')), 'trust.json')));
  await trust.decide('trusted');
  return trust;
}

/** The text of the system prompt and of the last message, which every scripted reply keys on. */
export function conversation(req: ChatRequest): { system: string; last: string; lastRole: string; user: string } {
  const text = (m: ChatRequest['messages'][number] | undefined) => typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p) => p.text ?? '').join('');
  const last = req.messages.at(-1);
  const firstUser = req.messages.find((m) => m.role === 'user');
  return { system: text(req.messages.find((m) => m.role === 'system')), last: text(last), lastRole: last?.role ?? '', user: text(firstUser) };
}

export interface AgentScript {
  /**
   * Tool calls of the agent's first turn on a task (by the task id in its prompt; '?' for a handoff, whose prompt
   * has no task id). `prompt` is the agent's first user message.
   */
  work: (taskId: string, round: number, prompt: string) => ToolCallReply[];
  confidence?: number;
  /** Answers a later turn (after a tool result) instead of the default finish; undefined: finish. */
  next?: (taskId: string, req: ChatRequest) => Reply | undefined;
}

type Scripted = unknown | ((req: ChatRequest) => unknown);

export interface ScriptExtras {
  /** Answers a contract-net bid ("Baton bid") by the bidding agent and the task. */
  bid?: (agentId: string, taskId: string) => Reply;
  /** Consulted before anything else; undefined: the usual script. */
  first?: (req: ChatRequest) => Reply | undefined;
}

/** Answers every Baton prompt by its purpose, from a plan, a routing and per-agent scripts. */
export function scriptedTeam(plan: Scripted, routing: Scripted, agents: Record<string, AgentScript>, verdict: (taskId: string, round: number, reviewer: string) => Reply = () => ({ json: { verdict: 'approve', comments: 'Looks good.', findings: [] } }), extras: ScriptExtras = {}): (req: ChatRequest) => Reply {
  const value = (v: Scripted, req: ChatRequest): unknown => (typeof v === 'function' ? (v as (r: ChatRequest) => unknown)(req) : v);
  return (req) => {
    const early = extras.first?.(req);
    if (early) return early;
    const c = conversation(req);
    if (c.system.startsWith('Baton analyze')) return { json: value(plan, req) };
    if (c.system.startsWith('Baton route')) return { json: value(routing, req) };
    if (c.system.startsWith('Baton reflect')) return { json: { worked: ['the plan'], failed: [], lessons: ['keep tasks small'] } };
    if (c.system.startsWith('Baton bid') && extras.bid) {
      return extras.bid(/^Baton bid: you are ([a-z0-9-]+),/.exec(c.system)?.[1] ?? '?', /^Task (\S+):/m.exec(c.user)?.[1] ?? '?');
    }
    if (c.system.startsWith('Baton review')) {
      const [, taskId, round] = /^Task (\S+) \(round (\d+)\)/m.exec(c.user) ?? [];
      return verdict(taskId ?? '?', Number(round ?? 1), /^Baton review: you are ([a-z0-9-]+),/.exec(c.system)?.[1] ?? '?');
    }
    const agent = /^Baton agent ([a-z0-9-]+):/.exec(c.system)?.[1];
    const script = agent ? agents[agent] : undefined;
    if (script) {
      const taskId = /^Your task (\S+):/m.exec(c.user)?.[1] ?? '?';
      const assistantTurns = req.messages.filter((m) => m.role === 'assistant').length;
      const round = (c.user.match(/A reviewer asked for changes/g) ?? []).length + 1;
      if (c.lastRole === 'user' || assistantTurns === 0) {
        const calls = script.work(taskId, round, c.user);
        if (calls.length) return { toolCalls: calls };
      } else {
        const later = script.next?.(taskId, req);
        if (later) return later;
      }
      return { toolCalls: [{ name: 'finish', args: { summary: `${agent} did ${taskId}`, confidence: script.confidence ?? 0.9 } }] };
    }
    return { fault: { kind: 'httpError', status: 400, message: `no script for this prompt: ${c.system.slice(0, 80)}` } };
  };
}

/** A routing reply that gives each task of the route prompt to the team's first agent listing its first capability. */
export function routeByCapability(team: TeamConfig): (req: ChatRequest) => unknown {
  return (req) => {
    const tasks = [...conversation(req).user.matchAll(/^- (\S+): .* \(needs ([^,)]+)/gm)].map(([, taskId, need]) => ({ taskId: taskId!, need: need!.trim() }));
    return { assignments: tasks.map(({ taskId, need }) => ({ taskId, agentId: team.agents.find((a) => a.capabilities.includes(need))?.id ?? team.agents[0]!.id, rationale: `has ${need}`, confidence: 0.9 })) };
  };
}

/** The built-in team with some policies changed, e.g. { feedback: { maxRounds: 2 } }. */
export function teamWith(patch: Partial<Omit<TeamConfig, 'limits'>> & { limits?: Partial<TeamConfig['limits']> } = {}): TeamConfig {
  const base = defaultTeamConfig();
  return { ...base, ...patch, limits: { ...base.limits, ...patch.limits } };
}

/** Chat requests whose system prompt starts with `prefix` (e.g. 'Baton route', 'Baton agent coder'). */
export function requestsTo(server: FakeOpenAI, prefix: string): ChatRequest[] {
  return server.chatRequests.map((r) => r.body).filter((b) => conversation(b).system.startsWith(prefix));
}

/** Every message of a request as one text, for "did this reach the model" checks. */
export function allText(req: ChatRequest): string {
  return req.messages.map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''))).join('\n');
}

export function commitsOn(repo: string, branch: string): string[] {
  return git(repo, 'log', '--format=%s', branch).split('\n').filter(Boolean);
}
