import { worktreeLock } from '../agentLocks';
import type { EngineContext } from '../context';
import type { TaskResult, WorkflowStateType } from '../state';
import { trashRef } from './abandonWork';

/**
 * Applies the decisions of "after" approvals to the tasks they gate. A rejected change is moved off
 * the agent's branch (kept under refs/baton/trash/...), so the agent's next task does not build on
 * it. A change held because it looked like it held a secret is committed once approved, and dropped (not
 * kept anywhere) once rejected. Epics are left alone: their decisions go down to their sub-workflow (see runEpic).
 */
export async function settleApprovals(ctx: EngineContext, state: WorkflowStateType): Promise<Record<string, TaskResult>> {
  const results: Record<string, TaskResult> = {};
  for (const r of Object.values(state.results)) {
    const d = r.status === 'needs-approval' && r.approval && !r.subWorkflow ? state.approvals[r.approval.approvalId] : undefined;
    if (!d) continue;
    if (d.decision === 'approve') {
      results[r.taskId] = r.held ? await commitHeld(ctx, state.workflowId, r, r.held) : { ...r, status: 'done', approval: undefined };
      continue;
    }
    if (r.held) await ctx.workspaces.dropHeld(r.held.ref);
    const moved = await takeOffBranch(ctx, state.workflowId, r);
    results[r.taskId] = { ...r, status: 'rejected', removedBy: d.by, approval: undefined, held: undefined, commit: moved ? undefined : r.commit, summary: `${r.summary} (rejected${d.reason ? `: ${d.reason}` : ''}${moved ? `; the change was moved to ${moved}` : ''})` };
  }
  return results;
}

/**
 * A person said the held change holds no secret: it becomes the commit it would have been, on the agent's branch,
 * and is announced like any commit. Should the branch have moved meanwhile (it does not: the agent starts nothing
 * while its approval is open) or the change be gone (the workflow ended undecided), the task fails and says so.
 */
async function commitHeld(ctx: EngineContext, workflowId: string, r: TaskResult, held: NonNullable<TaskResult['held']>): Promise<TaskResult> {
  const taken = await worktreeLock(ctx.workspaces, workflowId, r.agentId).run(async () => {
    const ws = await ctx.workspaces.ensure(workflowId, r.agentId, ctx.baseCommit);
    return { ws, commit: await ctx.workspaces.takeHeld(ws, held) };
  });
  if (!taken.commit) {
    const error = `The approved change of ${r.taskId} could not be committed: ${taken.ws.branch} is no longer where it was made, or the change is gone (${held.ref}).`;
    return { ...r, status: 'failed', approval: undefined, held: undefined, error, summary: `${r.summary} (${error})` };
  }
  ctx.bus.emit(workflowId, 'agent.committed', { taskId: r.taskId, branch: taken.ws.branch, sha: taken.commit.sha, message: `${r.taskId}, approved by a person`, files: taken.commit.files }, r.agentId);
  return { ...r, status: 'done', approval: undefined, held: undefined, commit: taken.commit.sha };
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
