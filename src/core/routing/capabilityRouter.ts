import { sameCapability, teamCapabilities } from '../config/capabilities';
import type { AgentConfig } from '../config/teamSchema';
import { BatonError } from '../errors';
import { bestByCapabilities } from '../graph/planChecks';
import type { PlannedTask } from '../graph/schemas';
import type { Assignment } from '../graph/state';

/**
 * Routing without a model, when the model's routing could not be used: each task goes to the agent whose
 * capabilities cover most of it, then the one with fewer tasks so far (`kept` counts), then the first in team
 * order. Deterministic, so a rerun routes the same way. Only a task no agent has any capability for fails the
 * routing, saying what to add to the team.
 */
export function routeByCapabilities(tasks: readonly PlannedTask[], team: AgentConfig[], kept: Record<string, Assignment>, reason: (task: PlannedTask) => string): Record<string, Assignment> {
  const load = new Map<string, number>();
  for (const a of Object.values(kept)) load.set(a.agentId, (load.get(a.agentId) ?? 0) + 1);
  const out: Record<string, Assignment> = { ...kept };
  const unable: PlannedTask[] = [];
  for (const task of tasks) {
    const agent = bestByCapabilities(task, team, load);
    if (!agent) {
      unable.push(task);
      continue;
    }
    load.set(agent.id, (load.get(agent.id) ?? 0) + 1);
    const matched = agent.capabilities.filter((c) => task.capabilities.some((need) => sameCapability(need, c)));
    out[task.id] = { agentId: agent.id, strategy: 'capability-match', rationale: `${reason(task)}; routed by capability match: ${agent.id} has ${matched.join(', ')}` };
  }
  if (unable.length) {
    const needs = unable.map((t) => `${t.id} needs ${t.capabilities.join(', ')}`).join('; ');
    const words = teamCapabilities(team);
    throw new BatonError(
      `No agent of the team can take ${unable.length === 1 ? `task ${unable[0]!.id}` : `tasks ${unable.map((t) => t.id).join(', ')}`} (${needs}): no agent lists any of these capabilities, and ${reason(unable[0]!)}.`,
      `Add the capability to an agent in .baton/agents.yaml (capabilities: [...]), or word the job in the team's capabilities (${words.slice(0, 12).join(', ')}${words.length > 12 ? ', ...' : ''}).`,
      'config',
    );
  }
  return out;
}
