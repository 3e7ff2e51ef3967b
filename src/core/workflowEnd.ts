import type { EventBus } from './events/eventBus';
import type { ConflictWatcher } from './git/conflictScan';
import type { AgentWorkspaces } from './git/workspaces';
import type { WorkflowStateType } from './graph/state';

/** What became of the agents' work, for the workflow's summary: integrated, checked, landed or kept on its branch. */
export function integrationSummary(state: Partial<WorkflowStateType>): string {
  const i = state.integration;
  if (!i) return '';
  const lines = [`Integration (${i.branch}): merged ${i.merged.length ? i.merged.join(', ') : 'nothing'}.`];
  if (i.check) lines.push(i.check.ok ? `${i.check.detail}.` : `The check failed: ${i.check.detail.split('\n')[0]}`);
  for (const c of i.conflicts) lines.push(`${c.kind} conflict (${c.agents.join(', ')}): ${c.description.split('\n')[0]}`);
  const l = state.landed?.result === i.head ? state.landed : undefined;
  if (l) lines.push(l.how === 'up-to-date' ? `${l.into} already had the result.` : `Merged into ${l.into} (${l.how}, ${l.from.slice(0, 7)}..${l.to.slice(0, 7)}).`);
  else if (i.merged.length) lines.push(`Not merged into your branch: the result stays on ${i.branch} (git merge ${i.branch} to take it).`);
  return lines.join('\n');
}

/**
 * When a workflow ends (completed, failed, cancelled): its worktrees and branches go, unless the
 * user keeps them (baton.git.keepWorktrees). Every head stays under refs/baton/trash/<id>/ended/;
 * the integration branch stays when it holds a result that did not land. Returns what was removed.
 */
export async function cleanUpWorkflow(workspaces: AgentWorkspaces, conflicts: ConflictWatcher | undefined, bus: Pick<EventBus, 'emit'>, workflowId: string, state: Partial<WorkflowStateType>, keep: boolean): Promise<string[]> {
  const open = [...(conflicts?.current(workflowId) ?? []).map((c) => c.id), ...(state.integration?.conflicts ?? []).map((c) => c.id)];
  conflicts?.forget(workflowId);
  if (keep) return [];
  // Their branches are going: the editor must not keep marking lines for them.
  for (const id of new Set(open)) bus.emit(workflowId, 'conflict.resolved', { id, how: 'obsolete', detail: 'the workflow ended and its branches were removed' });
  const unlanded = !!state.integration?.merged.length && state.landed?.result !== state.integration.head;
  return workspaces.removeWorkflow(workflowId, unlanded);
}
