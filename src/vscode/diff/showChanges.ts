import { join } from 'node:path';
import * as vscode from 'vscode';
import type { WorkflowStatus } from '../../protocol/webview';
import { pickWorkflow, reportError } from '../commands/workflowCommands';
import type { WorkflowModel } from '../workflowModel';
import type { WorkflowService } from '../workflowService';
import { changesTitle, refUri } from './refUri';

const any: WorkflowStatus[] = ['queued', 'running', 'waiting', 'paused', 'completed', 'failed', 'cancelled'];

/** An agent named by the argument: a tree item's agent node, or `{ agentId }` from another extension or a test. */
function agentIdOf(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { agentId?: unknown; agent?: { id?: unknown } };
  if (typeof a.agentId === 'string') return a.agentId;
  return typeof a.agent?.id === 'string' ? a.agent.id : undefined;
}

/**
 * "Baton: Show Changes": VS Code's multi-file diff of one agent's branch against the workflow's
 * base commit, both sides read from git through `baton-ref:` documents. Returns the editor's title.
 */
export async function showChanges(service: WorkflowService, model: WorkflowModel, arg: unknown): Promise<string | undefined> {
  const workflow = await pickWorkflow(model, arg, any, 'Baton: there is no workflow yet. Start one with "Baton: Start Workflow".');
  if (!workflow) return undefined;
  try {
    let agentId = agentIdOf(arg);
    if (!agentId) {
      const { heads } = await service.agentHeads(workflow.id);
      const agents = [...heads.keys()].sort();
      if (agents.length === 0) {
        void vscode.window.showInformationMessage(`Baton: no agent of "${workflow.task}" has committed anything yet. Show the changes again once one has.`);
        return undefined;
      }
      // The integration branch holds every agent's work merged: what a merge approval would land.
      const items = agents.map((a) => ({ label: a, description: a === 'integration' ? 'every agent\'s work merged, as it would land on your branch' : undefined }));
      agentId = agents.length === 1 ? agents[0] : (await vscode.window.showQuickPick(items, { title: `Baton: whose changes in "${workflow.task}"?` }))?.label;
      if (!agentId) return undefined;
    }
    const changes = await service.changes(workflow.id, agentId);
    if (changes.files.length === 0) {
      void vscode.window.showInformationMessage(`Baton: ${agentId}'s branch has no change from the workflow's base commit.`);
      return undefined;
    }
    const at = (ref: string, path: string, owner: string) => refUri({ root: changes.root, ref, path, workflowId: workflow.id, owner });
    // [label resource, original, modified]: an added file has no original, a deleted one no modified side.
    const resources = changes.files.map((f) => [
      vscode.Uri.file(join(changes.root, f.path)),
      f.status === 'added' ? undefined : at(changes.base, f.path, 'base'),
      f.status === 'deleted' ? undefined : at(changes.head, f.path, agentId),
    ]);
    const title = changesTitle(agentId, workflow.id);
    await vscode.commands.executeCommand('vscode.changes', title, resources);
    return title;
  } catch (e) {
    reportError(e);
    return undefined;
  }
}
