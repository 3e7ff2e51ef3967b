import { describeHits } from '../../git/secretScan';
import type { SecretHit } from '../../git/secretScan';
import { SecretsFound } from '../../git/workspaces';
import type { Workspace } from '../../git/workspaces';
import type { EngineContext } from '../context';

export function trashRef(workflowId: string, name: string): string {
  return `refs/baton/trash/${workflowId}/${name}`;
}

/**
 * Takes work that was not accepted (a failed or rejected task, a failed handoff) off the agent's
 * branch, so the agent's next task does not build on it. Uncommitted changes are committed first,
 * so the abandoned head under refs/baton/trash/... holds everything the agent did: nothing is lost
 * silently, except a file that looks like it holds a secret, which not even the trash keeps (the
 * agent is told which). The caller holds the worktree's lock. Returns the trash ref, if anything was moved there.
 */
export async function abandonWork(ctx: EngineContext, ws: Workspace, startHead: string, stepId: string, trash: string, subject: string, taskId: string): Promise<string | undefined> {
  const message = [`${stepId}/abandoned`, `Abandoned: ${subject}`, { 'Baton-Abandoned': 'true' }] as const;
  const found: SecretHit[] = [];
  // Each round leaves out more files (a scan reports at most 50 lines), so this ends.
  for (;;) {
    try {
      await ctx.workspaces.commit(ws, ...message, [...new Set(found.map((h) => h.path))]);
      break;
    } catch (e) {
      if (!(e instanceof SecretsFound)) throw e;
      found.push(...e.hits);
    }
  }
  if (found.length) {
    const [, workflowId = '', agentId = ''] = ws.branch.split('/');
    ctx.bus.emit(workflowId, 'agent.message', { taskId, role: 'system', content: `What looks like a secret in ${describeHits(found)} was not kept with the abandoned work.` }, agentId);
  }
  const head = await ctx.workspaces.headOf(ws);
  await ctx.workspaces.revertTo(ws, startHead, trash);
  return head === startHead ? undefined : trash;
}
