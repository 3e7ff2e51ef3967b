import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { landOnUserBranch } from '../../git/land';
import { engineContext } from '../context';
import type { ApprovalRequest, WorkflowStateType, WorkflowUpdate } from '../state';

/** `baton approve <id> merge`: the approval that lets the integrated result land on the user's branch. */
export const mergeApprovalId = 'merge';

/** The current integration result already landed. */
export function landedNow(state: WorkflowStateType): boolean {
  return !!state.landed && state.landed.result === state.integration?.head;
}

/** Something of the agents' work to land: the integration merged at least one branch. */
export function hasResult(state: WorkflowStateType, baseCommit: string): boolean {
  return !!state.integration && state.integration.head !== baseCommit && state.integration.merged.length > 0;
}

/** The merge approval, saying what lands and what is known to be wrong with it. */
export function mergeRequest(state: WorkflowStateType): ApprovalRequest {
  const i = state.integration!;
  const agents = i.merged.map((b) => b.split('/').pop()).join(', ');
  const problems = [
    ...i.conflicts.map((c) => `${c.kind}: ${c.description.split('\n')[0]}`),
    ...(i.check && !i.check.ok ? [`the check fails: ${i.check.detail.split('\n')[0]}`] : []),
  ];
  const checked = i.check?.ok ? ` \`${i.check.command}\` passes on it.` : '';
  return {
    approvalId: mergeApprovalId, trigger: 'merge', phase: 'after', files: i.files.slice(0, 50),
    reason: `Merge the agents' work (${i.branch}: ${agents}; ${i.files.length} file(s)) into your current branch?${checked}` +
      (problems.length ? ` Known problems: ${problems.join(' | ')}`.slice(0, 1_200) : '') + ' Reject to keep it on its branch only.',
  };
}

/**
 * After the merge approval: the integrated result lands on the user's current branch. When it
 * cannot land cleanly, MergeBlocked stops the workflow (paused, nothing changed) and this node runs
 * again on `baton resume`.
 */
export async function land(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const i = state.integration!;
  const landed = await landOnUserBranch(ctx.workspaces.repoDir, {
    head: i.head, branch: i.branch, workflowId: state.workflowId,
    message: `Merge Baton workflow ${state.workflowId}: ${state.task.split('\n')[0]!.slice(0, 120)}`,
  });
  return { landed: { ...landed, result: i.head } };
}
