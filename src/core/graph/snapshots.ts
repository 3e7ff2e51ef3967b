import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { EngineContext } from './context';
import type { WorkflowStateType } from './state';

/**
 * Before each dispatch wave (which also sends any approvals): a snapshot of every agent branch
 * head with the graph checkpoint it belongs to, so a rollback can restore both together. Numbered
 * from the state, so a dispatch that re-runs after a crash replaces its own snapshot, never adds one.
 */
export async function snapshotBeforeWave(ctx: EngineContext, state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<number> {
  const n = state.snapshots + 1;
  const open = state.plan.filter((t) => !state.results[t.id] || state.results[t.id]?.status === 'needs-approval');
  const reason = open.length ? `before wave ${n}: ${open.map((t) => t.id).join(', ')}` : 'before the end';
  // The checkpoint this superstep runs from: LangGraph keeps it per namespace in checkpoint_map ('' is the top graph).
  const c = config.configurable as { checkpoint_id?: string; checkpoint_ns?: string; checkpoint_map?: Record<string, string> } | undefined;
  const checkpointId = c?.checkpoint_id ?? c?.checkpoint_map?.[''];
  const s = await ctx.workspaces.snapshot(state.workflowId, n, reason, checkpointId, ctx.baseCommit);
  ctx.bus.emit(state.workflowId, 'snapshot.created', { snapshot: n, ref: s.ref, sha: s.sha, reason });
  return n;
}
