import { capabilityKey } from '../config/capabilities';
import type { AgentConfig, TeamConfig } from '../config/teamSchema';
import type { PlannedTask } from './schemas';
import type { WorkflowStateType } from './state';

/**
 * Hierarchical mode: an epic is handed to a sub-orchestrator while the nesting allows it; at
 * limits.maxDepth (and in the other modes) it is an ordinary task for one agent.
 */
export function isEpic(task: PlannedTask, state: Pick<WorkflowStateType, 'mode' | 'depth'>, team: TeamConfig): boolean {
  return state.mode === 'hierarchical' && task.epic === true && canNest(state, team);
}

/** Whether a workflow at this depth may still hand epics to a sub-orchestrator. */
export function canNest(state: Pick<WorkflowStateType, 'mode' | 'depth'>, team: TeamConfig): boolean {
  return state.mode === 'hierarchical' && state.depth < team.limits.maxDepth;
}

const planning = new Set(['plan', 'decompose']);

/**
 * The sub-team of an epic: the team without its planners, because the sub-orchestrator does the
 * planning. A team of planners only keeps everyone rather than leave the epic with nobody.
 */
export function subTeamOf(agents: AgentConfig[]): AgentConfig[] {
  const workers = agents.filter((a) => !a.capabilities.some((c) => planning.has(capabilityKey(c))));
  return workers.length ? workers : agents;
}
