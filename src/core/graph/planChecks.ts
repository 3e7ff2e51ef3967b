import { capabilityOverlap } from '../config/capabilities';
import type { AgentConfig } from '../config/teamSchema';
import type { PlannedTask } from './schemas';

/** Problems with a plan, as sentences the model can act on when it is asked again. */
export function planProblems(tasks: PlannedTask[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const t of tasks) {
    if (ids.has(t.id)) problems.push(`task id "${t.id}" is used twice: give every task its own id`);
    ids.add(t.id);
  }
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      if (d === t.id) problems.push(`task "${t.id}" depends on itself`);
      else if (!ids.has(d)) problems.push(`task "${t.id}" depends on "${d}", which is not a task of the plan`);
    }
  }
  const cycle = findCycle(tasks);
  if (cycle) problems.push(`the dependencies form a cycle: ${cycle.join(' -> ')}; a task cannot wait for itself`);
  return problems;
}

/** A dependency cycle as a path of ids (first = last), or undefined. */
export function findCycle(tasks: PlannedTask[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn.filter((d) => d !== t.id)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const d of deps.get(id) ?? []) {
      const found = deps.has(d) ? visit(d) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const t of tasks) {
    const found = visit(t.id);
    if (found) return found;
  }
  return undefined;
}

/** Every task that `id` waits for, directly or through others. */
export function ancestors(tasks: PlannedTask[], id: string): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const seen = new Set<string>();
  const walk = (x: string) => {
    for (const d of byId.get(x)?.dependsOn ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        walk(d);
      }
    }
  };
  walk(id);
  return seen;
}

/**
 * Two tasks that may run at the same time and are likely to write the same files would conflict:
 * the later one in plan order is made to wait for the earlier. Returns the new plan and what was
 * serialized.
 */
export function serializeFileOverlaps(tasks: PlannedTask[]): { tasks: PlannedTask[]; serialized: [string, string, string[]][] } {
  const out = tasks.map((t) => ({ ...t, dependsOn: [...t.dependsOn] }));
  const serialized: [string, string, string[]][] = [];
  for (let j = 0; j < out.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = out[i]!;
      const b = out[j]!;
      const shared = a.files.filter((f) => b.files.includes(f));
      if (!shared.length) continue;
      if (ancestors(out, b.id).has(a.id) || ancestors(out, a.id).has(b.id)) continue;
      b.dependsOn.push(a.id);
      serialized.push([a.id, b.id, shared]);
    }
  }
  return { tasks: out, serialized };
}

/**
 * Problems with an assignment of a task to an agent. Capabilities are compared by meaning ("implementation" is
 * implement, see config/capabilities.ts); a partial match is acceptable. An agent with none of them is a problem
 * only when another agent has one: when nobody has, the model's reading of the roles is the best guide there is.
 */
export function assignmentProblems(task: PlannedTask, agentId: string, team: AgentConfig[]): string[] {
  const agent = team.find((a) => a.id === agentId);
  if (!agent) return [`task "${task.id}" was given to "${agentId}", who is not in the team (${team.map((a) => a.id).join(', ')})`];
  if (!task.capabilities.length || capabilityOverlap(task.capabilities, agent) > 0) return [];
  const able = team.filter((a) => capabilityOverlap(task.capabilities, a) > 0).map((a) => a.id);
  if (!able.length) return [];
  return [`"${agentId}" has none of the capabilities task "${task.id}" needs (${task.capabilities.join(', ')}); its capabilities are ${agent.capabilities.join(', ')}; ${able.join(', ')} ${able.length === 1 ? 'has' : 'have'} some`];
}

/**
 * The agent whose capabilities cover the most of the task's; on a tie the one with fewer tasks in `load`, then
 * the first in team order. Undefined when no agent has any of them.
 */
export function bestByCapabilities(task: PlannedTask, team: AgentConfig[], load: ReadonlyMap<string, number> = new Map()): AgentConfig | undefined {
  let best: AgentConfig | undefined;
  let bestScore = 0;
  for (const a of team) {
    const score = capabilityOverlap(task.capabilities, a);
    if (score > bestScore || (score === bestScore && best && score > 0 && (load.get(a.id) ?? 0) < (load.get(best.id) ?? 0))) {
      best = a;
      bestScore = score;
    }
  }
  return best;
}
