import * as vscode from 'vscode';
import { formatUsd } from '../../core/cost/money';
import { checkRuntime } from '../../core/runtime';
import type { WorkflowStatus, WorkflowSummary } from '../../protocol/webview';
import type { WorkflowModel } from '../workflowModel';
import type { WorkflowService } from '../workflowService';
import { askForTask } from './askForTask';

export interface StartArgs { task?: string; mode?: string; budgetUsd?: number }
/** `budgetUsd`: approving a budget stop raises the budget to it (asked for when absent). */
export interface WorkflowArgs { workflowId?: string; approvalId?: string; reason?: string; budgetUsd?: number }

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

export function reportError(e: unknown): void {
  // The engine's BatonError comes from another bundle (dist/engine.js), so it is recognized by shape:
  // describe() adds what to do next.
  const describe = (e as { describe?: unknown } | null)?.describe;
  const text = typeof describe === 'function' ? String(describe.call(e)) : e instanceof Error ? e.message : String(e);
  void vscode.window.showErrorMessage(`Baton: ${text}`);
}

/** "Baton: Start Workflow": asks for the job (recent tasks offered) and starts it in the background. */
export async function startWorkflow(service: WorkflowService, memento: vscode.Memento, args: StartArgs | undefined): Promise<string | undefined> {
  if (refuseUntrusted() || refuseRuntime()) return undefined;
  if (!vscode.workspace.workspaceFolders?.length) {
    void vscode.window.showErrorMessage('Baton: open the folder of a git repository first; agents work on branches of it.');
    return undefined;
  }
  const task = args?.task?.trim() || (await askForTask(memento));
  if (!task) return undefined;
  try {
    return await service.start(task, { mode: args?.mode, budgetUsd: args?.budgetUsd });
  } catch (e) {
    reportError(e);
    return undefined;
  }
}

export async function tryDemo(service: WorkflowService): Promise<string | undefined> {
  if (refuseUntrusted() || refuseRuntime()) return undefined;
  try {
    return await service.startDemo();
  } catch (e) {
    reportError(e);
    return undefined;
  }
}

/**
 * The workflow a command acts on: the one named, else the only candidate, else the user picks.
 * With no candidate the user is told so, in the words of `none`.
 */
export async function pickWorkflow(model: WorkflowModel, arg: unknown, statuses: readonly WorkflowStatus[], none: string): Promise<WorkflowSummary | undefined> {
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

const live: WorkflowStatus[] = ['running', 'queued', 'waiting', 'paused'];

export async function decide(service: WorkflowService, model: WorkflowModel, decision: 'approve' | 'reject', arg: unknown): Promise<void> {
  const workflow = await pickWorkflow(model, arg, ['waiting', 'paused'], 'Baton: no workflow is waiting for an approval.');
  if (!workflow) return;
  const a = (arg ?? {}) as WorkflowArgs;
  // Approving a budget stop raises the budget, by as much as the person says: never by a default.
  const stop = (workflow.approvals ?? []).find((p) => p.trigger === 'budget' && !p.approvalId.startsWith('allowance-') && (!a.approvalId || p.approvalId === a.approvalId));
  const budgetUsd = decision === 'approve' && stop ? a.budgetUsd ?? await askBudget(workflow) : undefined;
  if (decision === 'approve' && stop && budgetUsd === undefined) return;
  const reason = a.reason ?? (decision === 'reject' ? await vscode.window.showInputBox({ title: 'Baton: why reject?', prompt: 'The reason goes to the audit log (optional).' }) : undefined);
  try {
    await service.decide(workflow.id, a.approvalId, decision, reason, budgetUsd);
  } catch (e) {
    reportError(e);
  }
}

/** The new budget of a workflow stopped at its budget, as the person types it; undefined when they cancel. */
async function askBudget(workflow: WorkflowSummary): Promise<number | undefined> {
  const spent = workflow.costUsd;
  const answer = await vscode.window.showInputBox({
    title: `Baton: raise the budget of "${workflow.task.slice(0, 60)}"`,
    prompt: `It has spent ${formatUsd(spent)} of its ${formatUsd(workflow.budgetUsd)} budget. The new budget, in US dollars:`,
    value: String(Number((Math.max(workflow.budgetUsd, spent) * 2).toPrecision(2))),
    // Opened from a notification or the panel, which take the focus back as they close: a figure must be typed.
    ignoreFocusOut: true,
    validateInput: (v) => {
      const n = Number(v.trim().replace(/^\$/, ''));
      return Number.isFinite(n) && n > spent ? undefined : `A number of dollars above ${formatUsd(spent)}, the amount already spent.`;
    },
  });
  return answer === undefined ? undefined : Number(answer.trim().replace(/^\$/, ''));
}

export async function control(service: WorkflowService, model: WorkflowModel, action: 'pause' | 'resume' | 'cancel' | 'rollback', arg: unknown): Promise<void> {
  const statuses: WorkflowStatus[] = action === 'resume' ? ['paused', 'cancelled', 'failed']
    : action === 'pause' ? ['running', 'queued']
      : action === 'rollback' ? ['waiting', 'paused', 'completed', 'failed', 'cancelled'] : live;
  const none = action === 'resume' ? 'Baton: no workflow is paused.' : action === 'rollback' ? 'Baton: there is no stopped workflow to roll back (pause a running one first).' : 'Baton: no workflow is running.';
  const workflow = await pickWorkflow(model, arg, statuses, none);
  if (!workflow) return;
  try {
    if (action === 'rollback') {
      // Other extensions and tests may name the snapshot: { workflowId, snapshot }.
      const snapshot = (arg as { snapshot?: unknown } | undefined)?.snapshot;
      await service.rollback(workflow.id, typeof snapshot === 'number' ? snapshot : undefined);
    } else {
      await service[action](workflow.id);
    }
  } catch (e) {
    reportError(e);
  }
}

export async function stopAll(service: WorkflowService, model: WorkflowModel): Promise<void> {
  const ids = model.list().filter((w) => live.includes(w.status)).map((w) => w.id);
  if (ids.length === 0) {
    void vscode.window.showInformationMessage('Baton: no agent is working.');
    return;
  }
  await Promise.all(ids.map((id) => service.cancel(id).catch(reportError)));
}
