// Builds a real Engine for tests: a real git repository, the real @langchain/openai client against
// the fake OpenAI-compatible server, real worktrees; only the records are in memory.
import { join } from 'node:path';
import { MemorySaver } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { defaultTeamConfig } from '../../src/core/config/defaultTeam';
import type { TeamConfig } from '../../src/core/config/teamSchema';
import type { ApprovalTrigger } from '../../src/core/config/vocabulary';
import { Pricing } from '../../src/core/cost/pricing';
import { Engine } from '../../src/core/engine';
import type { EngineOptions } from '../../src/core/engine';
import { EventBus } from '../../src/core/events/eventBus';
import type { BatonEvent } from '../../src/core/events/events';
import type { WorkflowRecords } from '../../src/core/workflowRecords';
import type { ChatRequest, FakeOpenAI, Reply } from './fakeOpenAI';
import { MemoryRecords } from './memoryRecords';
import { git } from './repoBuilder';

export interface Harness {
  engine: Engine;
  events: BatonEvent[];
  records: WorkflowRecords;
  of<T extends BatonEvent['type']>(type: T): Extract<BatonEvent, { type: T }>[];
}

export async function makeEngine(repo: string, server: FakeOpenAI, overrides: Partial<EngineOptions> & { team?: TeamConfig; require?: ApprovalTrigger[]; checkpointer?: BaseCheckpointSaver } = {}): Promise<Harness> {
  const bus = new EventBus();
  const events: BatonEvent[] = [];
  bus.on('*', (e) => void events.push(e));
  const records = overrides.records ?? new MemoryRecords();
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
    approvals: { require: overrides.require ?? ['dependencies', 'schema', 'deployment', 'publicApi', 'largeChange', 'budget'], confidenceThreshold: 0.6, mode: 'ask' },
    allowCommands: [],
    pricing: await Pricing.load({ 'test-model': { inputPerMillion: 1, outputPerMillion: 2 } }),
    ...overrides,
  });
  return { engine, events, records, of: (type) => events.filter((e) => e.type === type) as never };
}

/** The text of the system prompt and of the last message, which every scripted reply keys on. */
export function conversation(req: ChatRequest): { system: string; last: string; lastRole: string; user: string } {
  const text = (m: ChatRequest['messages'][number] | undefined) => typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p) => p.text ?? '').join('');
  const last = req.messages.at(-1);
  const firstUser = req.messages.find((m) => m.role === 'user');
  return { system: text(req.messages.find((m) => m.role === 'system')), last: text(last), lastRole: last?.role ?? '', user: text(firstUser) };
}

export interface AgentScript {
  /** Tool calls of the agent's first turn on a task (by the task id in its prompt). */
  work: (taskId: string, round: number) => { name: string; args: Record<string, unknown> }[];
  confidence?: number;
}

/** Answers every Baton prompt by its purpose, from a plan, a routing and per-agent scripts. */
export function scriptedTeam(plan: unknown, routing: unknown, agents: Record<string, AgentScript>, verdict: (taskId: string, round: number) => Reply = () => ({ json: { verdict: 'approve', comments: 'Looks good.', findings: [] } })): (req: ChatRequest) => Reply {
  return (req) => {
    const c = conversation(req);
    if (c.system.startsWith('Baton analyze')) return { json: plan };
    if (c.system.startsWith('Baton route')) return { json: routing };
    if (c.system.startsWith('Baton reflect')) return { json: { worked: ['the plan'], failed: [], lessons: ['keep tasks small'] } };
    if (c.system.startsWith('Baton review')) {
      const [, taskId, round] = /^Task (\S+) \(round (\d+)\)/m.exec(c.user) ?? [];
      return verdict(taskId ?? '?', Number(round ?? 1));
    }
    const agent = /^Baton agent ([a-z0-9-]+):/.exec(c.system)?.[1];
    const script = agent ? agents[agent] : undefined;
    if (script) {
      const taskId = /^Your task (\S+):/m.exec(c.user)?.[1] ?? '?';
      const assistantTurns = req.messages.filter((m) => m.role === 'assistant').length;
      const round = (c.user.match(/A reviewer asked for changes/g) ?? []).length + 1;
      if (c.lastRole === 'user' || assistantTurns === 0) {
        const calls = script.work(taskId, round);
        if (calls.length) return { toolCalls: calls };
      }
      return { toolCalls: [{ name: 'finish', args: { summary: `${agent} did ${taskId}`, confidence: script.confidence ?? 0.9 } }] };
    }
    return { fault: { kind: 'httpError', status: 400, message: `no script for this prompt: ${c.system.slice(0, 80)}` } };
  };
}

export function commitsOn(repo: string, branch: string): string[] {
  return git(repo, 'log', '--format=%s', branch).split('\n').filter(Boolean);
}
