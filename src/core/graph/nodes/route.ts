import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { routeByBids } from '../../routing/contractNet';
import { routeWithModel } from '../../routing/llmRouter';
import { engineContext } from '../context';
import { isEpic } from '../modes';
import { serializeFileOverlaps } from '../planChecks';
import type { WorkflowStateType, WorkflowUpdate } from '../state';

/**
 * Assigns every task but the epics to an agent (LLM routing or contract-net bidding, per the team config),
 * reading how each agent fared with each kind of task before.
 */
export async function route(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  // Inside a sub-workflow, the orchestrator's calls count against its epic (cost roll-ups).
  const call = { workflowId: state.workflowId, agentId: 'orchestrator', taskId: state.parentTaskId || undefined, signal: ctx.signal };
  const team = ctx.team.agents;
  const strategy = ctx.team.routing.strategy;
  // Epics go to a sub-orchestrator (runEpic), not to an agent.
  const routed = state.plan.filter((t) => !isEpic(t, state, ctx.team));
  const { assignments, bids } = !routed.length ? { assignments: {}, bids: {} }
    : strategy === 'contract-net' ? await routeByBids(ctx.gateway, call, routed, team, ctx.team.limits.maxSteps, ctx.trackRecords)
      : { assignments: await routeWithModel(ctx.gateway, call, routed, team, { lessons: ctx.lessons, trackRecords: ctx.trackRecords }), bids: {} };
  // Two tasks that could run at once but would write the same files run one after the other.
  const { tasks, serialized } = serializeFileOverlaps(state.plan);
  for (const t of tasks) {
    const a = assignments[t.id];
    if (!a) continue;
    const waits = serialized.filter(([, later]) => later === t.id).map(([earlier, , files]) => `waits for ${earlier} (both change ${files.join(', ')})`);
    ctx.bus.emit(state.workflowId, 'task.routed', {
      taskId: t.id, agentId: a.agentId, strategy: a.strategy,
      rationale: [a.rationale, ...waits].join('; '),
      bids: bids[t.id]?.map((b) => ({ agentId: b.agentId, score: b.score, note: b.note })),
    });
  }
  return { assignments, plan: tasks };
}
