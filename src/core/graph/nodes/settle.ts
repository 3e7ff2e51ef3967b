import { worktreeLock } from '../agentLocks';
import type { EngineContext } from '../context';
import type { TaskResult, WorkflowStateType } from '../state';
import { trashRef } from './abandonWork';

/**
 * Applies the decisions of "after" approvals to the tasks they gate. A rejected change is moved off
 * the agent's branch (kept under refs/baton/trash/...), so the agent's next task does not build on
 * it. Epics are left alone: their decisions go down to their sub-workflow (see runEpic).
 */
export async function settleApprovals(ctx: EngineContext, state: WorkflowStateType): Promise<Record<string, TaskResult>> {
  const results: Record<string, TaskResult> = {};
  for (const r of Object.values(state.results)) {
    const d = r.status === 'needs-approval' && r.approval && !r.subWorkflow ? state.approvals[r.approval.approvalId] : undefined;
    if (!d) continue;
    if (d.decision === 'approve') {
      results[r.taskId] = { ...r, status: 'done', approval: undefined };
      continue;
    }
    const moved = await takeOffBranch(ctx, state.workflowId, r);
    results[r.taskId] = { ...r, status: 'rejected', removedBy: d.by, approval: undefined, commit: moved ? undefined : r.commit, summary: `${r.summary} (rejected${d.reason ? `: ${d.reason}` : ''}${moved ? `; the change was moved to ${moved}` : ''})` };
  }
  return results;
}

/**
 * Resets the agent's branch to where it was before the task, but only while the task's commit is
 * still its head: the agent started nothing while the approval was open (see nextSteps), and if
 * something else was built on it after all, resetting would destroy that too. Idempotent: after a
 * crash the branch is already back, and nothing happens.
 */
async function takeOffBranch(ctx: EngineContext, workflowId: string, r: TaskResult): Promise<string | undefined> {
  if (!r.commit || !r.startHead) return undefined;
  const { commit, startHead } = r;
  return worktreeLock(ctx.workspaces, workflowId, r.agentId).run(async () => {
    const ws = await ctx.workspaces.ensure(workflowId, r.agentId, ctx.baseCommit);
    if (await ctx.workspaces.headOf(ws) !== commit) return undefined;
    const ref = trashRef(workflowId, `${r.taskId}-${r.agentId}`);
    await ctx.workspaces.revertTo(ws, startHead, ref);
    return ref;
  });
}
