import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { routeByBids } from '../../routing/contractNet';
import { routeWithModel } from '../../routing/llmRouter';
import { engineContext } from '../context';
import { serializeFileOverlaps } from '../planChecks';
import type { WorkflowStateType, WorkflowUpdate } from '../state';

/** Assigns every task to an agent (LLM routing or contract-net bidding, per the team config). */
export async function route(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const call = { workflowId: state.workflowId, agentId: 'orchestrator', signal: ctx.signal };
  const team = ctx.team.agents;
  const strategy = ctx.team.routing.strategy;
  const { assignments, bids } = strategy === 'contract-net'
    ? await routeByBids(ctx.gateway, call, state.plan, team, ctx.team.limits.maxSteps)
    : { assignments: await routeWithModel(ctx.gateway, call, state.plan, team), bids: {} };
  // Two tasks that could run at once but would write the same files run one after the other.
  const { tasks, serialized } = serializeFileOverlaps(state.plan);
  for (const t of tasks) {
    const a = assignments[t.id]!;
    const waits = serialized.filter(([, later]) => later === t.id).map(([earlier, , files]) => `waits for ${earlier} (both change ${files.join(', ')})`);
    ctx.bus.emit(state.workflowId, 'task.routed', {
      taskId: t.id, agentId: a.agentId, strategy: a.strategy,
      rationale: [a.rationale, ...waits].join('; '),
      bids: bids[t.id]?.map((b) => ({ agentId: b.agentId, score: b.score, note: b.note })),
    });
  }
  return { assignments, plan: tasks };
}
