import type { EngineContext } from '../context';
import type { Workspace } from '../../git/workspaces';

export function trashRef(workflowId: string, name: string): string {
  return `refs/baton/trash/${workflowId}/${name}`;
}

/**
 * Takes work that was not accepted (a failed or rejected task, a failed handoff) off the agent's
 * branch, so the agent's next task does not build on it. Uncommitted changes are committed first,
 * so the abandoned head under refs/baton/trash/... holds everything the agent did: nothing is lost
 * silently. The caller holds the worktree's lock. Returns the trash ref, if anything was moved there.
 */
export async function abandonWork(ctx: EngineContext, ws: Workspace, startHead: string, stepId: string, trash: string, subject: string): Promise<string | undefined> {
  await ctx.workspaces.commit(ws, `${stepId}/abandoned`, `Abandoned: ${subject}`, { 'Baton-Abandoned': 'true' });
  const head = await ctx.workspaces.headOf(ws);
  await ctx.workspaces.revertTo(ws, startHead, trash);
  return head === startHead ? undefined : trash;
}
