import type { TeamConfig } from '../../config/teamSchema';
import type { EventType } from '../../events/events';
import type { PlannedTask } from '../schemas';
import type { Assignment, TaskResult, WorkflowStateType, WorkflowUpdate } from '../state';

export interface Reaction {
  task: PlannedTask;
  assignment: Assignment;
}

type View = Pick<WorkflowStateType, 'plan' | 'results' | 'observed' | 'chains' | 'reactions'>;

/**
 * The events a settled task produced, derived from its result rather than heard on the bus: the
 * state is checkpointed, so a resumed or replayed workflow reacts exactly as the first run did.
 * Failures are not offered: a reaction waits for its source to be done, like any dependency.
 */
export function eventsOf(r: TaskResult): EventType[] {
  if (r.status !== 'done') return [];
  return [...(r.commit ? ['agent.committed' as const] : []), 'agent.finished', ...(r.verdict ? ['review.verdict' as const] : [])];
}

/**
 * Event-driven mode, after each wave: every agent subscribed to an event of a newly settled task
 * (other than its author) gets a reaction task that depends on it. Bounded three ways: at most
 * limits.maxReactions in all; none once the budget is spent; and an agent reacts at most once
 * along one chain of reactions (the root author included, once), so agents that subscribe to
 * each other stop after one exchange each.
 */
export function reactionsAfterWave(state: View, team: TeamConfig, budgetLeft: boolean): { update: WorkflowUpdate; reactions: Reaction[] } {
  const observed: Record<string, boolean> = {};
  const chains: Record<string, string[]> = {};
  const reactions: Reaction[] = [];
  const ids = new Set(state.plan.map((t) => t.id));
  for (const source of state.plan) {
    const r = state.results[source.id];
    if (!r || r.status === 'needs-approval' || state.observed[source.id]) continue;
    observed[source.id] = true;
    const events = eventsOf(r);
    const chain = state.chains[source.id] ?? [r.agentId];
    for (const agent of team.agents) {
      const on = events.filter((e) => agent.subscribes.includes(e));
      if (!on.length || agent.id === r.agentId || chain.slice(1).includes(agent.id)) continue;
      if (!budgetLeft || state.reactions + reactions.length >= team.limits.maxReactions) continue;
      let n = 1;
      while (ids.has(`${source.id}-react-${agent.id}-${n}`)) n++;
      const id = `${source.id}-react-${agent.id}-${n}`;
      ids.add(id);
      chains[id] = [...chain, agent.id];
      reactions.push({
        task: {
          id, title: `React to ${on.join(', ')} of ${source.id}`, description: `React to ${on.join(', ')} of ${source.id}: ${r.summary.slice(0, 500)}`,
          capabilities: agent.capabilities.slice(0, 1), dependsOn: [source.id], files: [], risks: [],
        },
        assignment: { agentId: agent.id, strategy: 'subscription', rationale: `${agent.id} subscribes to ${on.join(', ')}, which ${r.agentId} produced on ${source.id}` },
      });
    }
  }
  if (!Object.keys(observed).length) return { update: {}, reactions };
  const update: WorkflowUpdate = { observed, chains };
  if (reactions.length) {
    update.plan = [...state.plan, ...reactions.map((x) => x.task)];
    update.assignments = Object.fromEntries(reactions.map((x) => [x.task.id, x.assignment]));
    update.reactions = reactions.length;
  }
  return { update, reactions };
}
