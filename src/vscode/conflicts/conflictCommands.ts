import * as vscode from 'vscode';
import { isAskToResolveArgs, isCompareArgs, isTakeSideArgs } from '../../protocol/lsp';
import { reportError } from '../commands/workflowCommands';
import { refUri } from '../diff/refUri';
import type { WorkflowService } from '../workflowService';

const badArgs = 'Baton: this quick fix came without its conflict. Move the cursor onto the marked lines and try the quick fix again.';

/** The quick fix "open the comparison": the two agents' versions of the file side by side, read from git. */
export async function compareSides(service: WorkflowService, arg: unknown): Promise<void> {
  if (!isCompareArgs(arg)) return void vscode.window.showErrorMessage(badArgs);
  try {
    const { root, heads } = await service.agentHeads(arg.workflowId);
    const [a, b] = arg.agents;
    const [ha, hb] = [heads.get(a), heads.get(b)];
    if (!ha || !hb) throw new Error(`the branch of ${ha ? b : a} is gone, so there is nothing to compare. Its workflow may have ended.`);
    const side = (agent: string, ref: string) => refUri({ root, ref, path: arg.path, workflowId: arg.workflowId, owner: agent });
    await vscode.commands.executeCommand('vscode.diff', side(a, ha), side(b, hb), `${arg.path.split('/').pop()}: ${a} ↔ ${b} (${arg.workflowId})`);
  } catch (e) {
    reportError(e);
  }
}

/** The quick fix "take <agent>'s side": a commit on the other agent's branch; the diagnostic clears with the next prediction. */
export async function takeSide(service: WorkflowService, arg: unknown): Promise<void> {
  if (!isTakeSideArgs(arg)) return void vscode.window.showErrorMessage(badArgs);
  try {
    const r = await service.takeSide(arg.workflowId, arg.path, arg.keep, arg.undo);
    void vscode.window.showInformationMessage(r.sha
      ? `Baton: ${arg.keep}'s version of ${arg.path} stays; ${arg.undo}'s change to it is undone by commit ${r.sha.slice(0, 7)} on ${r.branch}.`
      : `Baton: ${r.branch} already has ${arg.path} as it was before both changes; nothing to undo.`);
  } catch (e) {
    reportError(e);
  }
}

/**
 * The quick fix "ask <agent> to resolve": a task for that agent, which merges the other side's branch
 * into its own and resolves the conflict there; the workflow goes on at once to run it (after a
 * pause the user agrees to, when it is running in this window).
 */
export async function askToResolve(service: WorkflowService, arg: unknown): Promise<void> {
  if (!isAskToResolveArgs(arg)) return void vscode.window.showErrorMessage(badArgs);
  try {
    const ticket = await service.askToResolve(arg.workflowId, { path: arg.path, agent: arg.agent, other: arg.other });
    if (!ticket) return;
    const other = arg.other === 'integration' ? 'the integration branch' : `${arg.other}'s branch`;
    void vscode.window.showInformationMessage(ticket.after
      ? `Baton: ${arg.agent} will merge ${other} and resolve ${arg.path} (task ${ticket.taskId}) once you answer the approval "${ticket.after}" of its own change.`
      : `Baton: ${arg.agent} is merging ${other} and resolving ${arg.path} (task ${ticket.taskId}). Open approvals are asked again after it.`);
  } catch (e) {
    reportError(e);
  }
}
