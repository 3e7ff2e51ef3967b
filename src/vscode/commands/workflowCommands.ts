import * as vscode from 'vscode';
import { checkRuntime } from '../../core/runtime';
import type { WorkflowStatus, WorkflowSummary } from '../../protocol/webview';
import type { WorkflowModel } from '../workflowModel';
import { askForTask } from './askForTask';

export interface StartArgs { task?: string; mode?: string; budgetUsd?: number }
export interface WorkflowArgs { workflowId?: string; approvalId?: string; reason?: string }

/** Command arguments come from the palette (none), other extensions (an object) or a tree item (its node). */
export function workflowIdOf(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { workflowId?: unknown; workflow?: { id?: unknown } };
  if (typeof a.workflowId === 'string') return a.workflowId;
  return typeof a.workflow?.id === 'string' ? a.workflow.id : undefined;
}

/** Agents change files and run commands: never in a workspace the user has not trusted. */
export function refuseUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(
    'Baton runs no agent in an untrusted workspace: agents change files and run commands. Trust this workspace to use Baton here.',
    'Manage Workspace Trust',
  ).then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
  return true;
}

function refuseRuntime(): boolean {
  const runtime = checkRuntime('extension');
  if (runtime.ok) return false;
  void vscode.window.showErrorMessage(`${runtime.problem} ${runtime.fix}`);
  return true;
}

function engineMissing(what: string): void {
  void vscode.window.showErrorMessage(`Baton ${what} from VS Code yet: in 0.1.0 workflows run from the \`baton\` CLI (try \`baton demo\` in a terminal). See the CHANGELOG.`);
}

export async function startWorkflow(memento: vscode.Memento, args: StartArgs | undefined): Promise<void> {
  if (refuseUntrusted() || refuseRuntime()) return;
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showErrorMessage('Baton: open the folder of a git repository first; agents work on branches of it.');
    return;
  }
  const task = args?.task?.trim() || (await askForTask(memento));
  if (!task) return;
  engineMissing('cannot start the workflow');
}

export async function tryDemo(): Promise<void> {
  if (refuseUntrusted() || refuseRuntime()) return;
  engineMissing('cannot run the demo');
}

/**
 * The workflow a command acts on: the one named, else the only candidate, else the user picks.
 * With no candidate the user is told so, in the words of `none`.
 */
export async function pickWorkflow(model: WorkflowModel, arg: unknown, statuses: WorkflowStatus[], none: string): Promise<WorkflowSummary | undefined> {
  const id = workflowIdOf(arg);
  const candidates = model.list().filter((w) => statuses.includes(w.status) && (!id || w.id === id));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(id ? `Baton: workflow ${id} is not ${statuses.join(' or ')}.` : none);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(candidates.map((w) => ({ label: w.task, description: `${w.status} · ${w.id}`, workflow: w })), { title: 'Baton: which workflow?' });
  return picked?.workflow;
}

/** The commands that act on an existing workflow; each names the workflows it applies to. */
export const workflowActions = {
  'baton.approve': { statuses: ['waiting'], none: 'Baton: no workflow is waiting for an approval.', verb: 'cannot approve' },
  'baton.reject': { statuses: ['waiting'], none: 'Baton: no workflow is waiting for an approval.', verb: 'cannot reject' },
  'baton.showChanges': { statuses: ['running', 'waiting', 'paused', 'completed', 'failed', 'cancelled'], none: 'Baton: there is no workflow whose changes could be shown.', verb: 'cannot show changes' },
  'baton.pause': { statuses: ['running', 'queued'], none: 'Baton: no workflow is running.', verb: 'cannot pause' },
  'baton.resume': { statuses: ['paused'], none: 'Baton: no workflow is paused.', verb: 'cannot resume' },
  'baton.cancel': { statuses: ['running', 'queued', 'waiting', 'paused'], none: 'Baton: no workflow is running or paused.', verb: 'cannot cancel' },
  'baton.rollback': { statuses: ['running', 'waiting', 'paused', 'completed', 'failed', 'cancelled'], none: 'Baton: there is no workflow to roll back.', verb: 'cannot roll back' },
} as const satisfies Record<string, { statuses: WorkflowStatus[]; none: string; verb: string }>;

export async function actOnWorkflow(model: WorkflowModel, command: keyof typeof workflowActions, arg: unknown): Promise<void> {
  const action = workflowActions[command];
  const workflow = await pickWorkflow(model, arg, [...action.statuses], action.none);
  if (workflow) engineMissing(action.verb);
}

export async function stopAll(model: WorkflowModel): Promise<void> {
  const live = model.list().filter((w) => ['running', 'queued', 'waiting', 'paused'].includes(w.status));
  if (live.length === 0) {
    void vscode.window.showInformationMessage('Baton: no agent is working.');
    return;
  }
  engineMissing('cannot stop the agents');
}
