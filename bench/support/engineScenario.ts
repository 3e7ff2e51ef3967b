// The engine benchmark's workload: a team of identical coders, a plan of dependency waves, and the
// scripted model replies, so that every task costs exactly `callsPerTask` model calls and nothing
// else (no reviewer, no tester, no approval, no handoff, distinct files per task).
import { defaultTeamConfig } from '../../src/core/config/defaultTeam';
import type { TeamConfig } from '../../src/core/config/teamSchema';
import { agentToolNames } from '../../src/core/config/vocabulary';
import type { ChatRequest, Reply } from '../../test/support/fakeOpenAI';
import { conversation } from '../../test/support/engineHarness';

export interface Scenario {
  agents: number;
  waves: number;
  tasksPerWave: number;
  /** Model calls one task takes: callsPerTask - 1 write_file turns, then finish. */
  callsPerTask: number;
  latencyMs: number;
}

/** Calls outside the tasks, all on the critical path: analyze, route and reflect. */
export const orchestratorCalls = 3;

export const agentId = (i: number): string => `coder-${i + 1}`;
export const taskIdOf = (wave: number, i: number): string => `w${wave + 1}-t${i + 1}`;

/** Model calls in a row when every task of a wave runs at once (the ideal parallel run). */
export function criticalPathCalls(s: Scenario): number {
  return orchestratorCalls + s.waves * s.callsPerTask;
}

/** Model calls in a row when the tasks run one after another. */
export function sequentialCalls(s: Scenario): number {
  return orchestratorCalls + s.waves * s.tasksPerWave * s.callsPerTask;
}

/** LangGraph supersteps: analyze, route, dispatch, then (runTask wave, dispatch) per wave, then reflect. */
export function supersteps(s: Scenario): number {
  return 3 + 2 * s.waves + 1;
}

/** coder-1..coder-N, all alike; no reviewer or tester, so a task is its author's calls only. */
export function benchTeam(s: Scenario): TeamConfig {
  const team = defaultTeamConfig();
  team.agents = Array.from({ length: s.agents }, (_, i) => ({
    id: agentId(i),
    role: 'Implements features with small, focused changes.',
    capabilities: ['implement'],
    tools: [...agentToolNames],
    optional: false,
    subscribes: [],
  }));
  team.routing = { strategy: 'llm' };
  team.feedback = { maxRounds: 1 };
  team.approvals = { ...team.approvals, require: [] };
  team.limits = { ...team.limits, maxSteps: Math.max(team.limits.maxSteps, s.callsPerTask + 2) };
  return team;
}

/** Every task of a wave depends on every task of the wave before; each writes its own files. */
export function benchPlan(s: Scenario) {
  const tasks = [];
  for (let w = 0; w < s.waves; w++) {
    for (let i = 0; i < s.tasksPerWave; i++) {
      tasks.push({
        id: taskIdOf(w, i),
        title: `Implement part ${i + 1} of step ${w + 1}`,
        description: `Write src/w${w + 1}/t${i + 1}/*.ts`,
        capabilities: ['implement'],
        dependsOn: w === 0 ? [] : Array.from({ length: s.tasksPerWave }, (_, j) => taskIdOf(w - 1, j)),
        files: [`src/w${w + 1}/t${i + 1}/`],
        risks: [],
      });
    }
  }
  return { rationale: 'three steps, each split into independent parts', tasks };
}

/** Round-robin: task i of each wave goes to agent i mod N, so no agent has two tasks in one wave. */
export function benchRouting(s: Scenario) {
  const assignments = [];
  for (let w = 0; w < s.waves; w++) {
    for (let i = 0; i < s.tasksPerWave; i++) assignments.push({ taskId: taskIdOf(w, i), agentId: agentId(i % s.agents), rationale: 'round-robin', confidence: 0.9 });
  }
  return { assignments };
}

/** Answers every request of the workflow by its purpose; anything else is a 400 that fails the run loudly. */
export function benchReplies(s: Scenario): (req: ChatRequest) => Reply {
  const plan = benchPlan(s);
  const routing = benchRouting(s);
  return (req) => {
    const c = conversation(req);
    if (c.system.startsWith('Baton analyze')) return { json: plan };
    if (c.system.startsWith('Baton route')) return { json: routing };
    if (c.system.startsWith('Baton reflect')) return { json: { worked: ['the plan'], failed: [], lessons: ['keep tasks small'] } };
    const agent = /^Baton agent ([a-z0-9-]+):/.exec(c.system)?.[1];
    const task = /^Your task (\S+):/m.exec(c.user)?.[1];
    if (!agent || !task) return { fault: { kind: 'httpError', status: 400, message: `engine bench: unexpected prompt ${c.system.slice(0, 80)}` } };
    const done = req.messages.filter((m) => m.role === 'assistant').length;
    if (done < s.callsPerTask - 1) {
      const [, wave, part] = /^w(\d+)-t(\d+)$/.exec(task) ?? [];
      const path = `src/w${wave}/t${part}/part${done + 1}.ts`;
      return { toolCalls: [{ name: 'write_file', args: { path, content: `// ${task} by ${agent}, turn ${done + 1}\nexport const part${done + 1} = ${done + 1};\n` } }] };
    }
    return { toolCalls: [{ name: 'finish', args: { summary: `${agent} did ${task}`, confidence: 0.9 } }] };
  };
}
