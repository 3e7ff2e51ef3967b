import * as vscode from 'vscode';
import type { WorkflowSummary } from '../../protocol/webview';
import type { WorkflowArgs } from '../commands/workflowCommands';
import type { WorkflowModel } from '../workflowModel';
import { parseRefUri, workflowOfChangesTitle } from './refUri';

/** The context key package.json's `editor/title` menu reads: the active Baton diff's workflow waits for the user. */
export const diffPendingKey = 'baton.diffHasPendingApproval';

function waitsForUser(w: WorkflowSummary | undefined): boolean {
  return !!w && (w.status === 'waiting' || (w.approvals?.length ?? 0) > 0);
}

/**
 * The workflow of the Baton diff in the active tab: a `baton-ref:` document or diff, or an agent's
 * changes editor, recognized by its title (the multi-file diff's tab input is not in the stable API).
 */
export function activeDiffWorkflow(): string | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!tab) return undefined;
  const input = tab.input;
  const uris = input instanceof vscode.TabInputTextDiff ? [input.modified, input.original] : input instanceof vscode.TabInputText ? [input.uri] : [];
  for (const uri of uris) {
    const loc = parseRefUri(uri);
    if (loc) return loc.workflowId;
  }
  return workflowOfChangesTitle(tab.label);
}

/**
 * What approve / reject act on when run from an editor's title bar, whose argument is the editor's
 * resource: the workflow of that `baton-ref:` document, or of the active changes editor.
 */
export function editorWorkflowArgs(arg: unknown): WorkflowArgs | undefined {
  if (!(arg instanceof vscode.Uri)) return undefined;
  const workflowId = parseRefUri(arg)?.workflowId ?? activeDiffWorkflow();
  return workflowId ? { workflowId } : undefined;
}

/**
 * Approval where the user reads the change: keeps the title bar's Approve / Reject in step with the
 * active diff (through a context key), and puts Approve / Reject CodeLenses at the top of each
 * changed file of a workflow that waits for the user.
 */
export class DiffApprovals implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly subscriptions: vscode.Disposable[];
  private shown: boolean | undefined;

  constructor(private readonly model: WorkflowModel) {
    this.subscriptions = [
      vscode.window.tabGroups.onDidChangeTabs(() => this.update()),
      vscode.window.tabGroups.onDidChangeTabGroups(() => this.update()),
      model.onDidChange(() => {
        this.update();
        this.lensesChanged.fire();
      }),
    ];
    this.update();
  }

  private update(): void {
    const id = activeDiffWorkflow();
    const pending = waitsForUser(this.model.list().find((w) => w.id === id));
    if (pending === this.shown) return;
    this.shown = pending;
    void vscode.commands.executeCommand('setContext', diffPendingKey, pending);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const loc = parseRefUri(document.uri);
    // Only on the agent's side of a diff: the base side is what the change replaces.
    if (!loc || loc.owner === 'base') return [];
    const workflow = this.model.list().find((w) => w.id === loc.workflowId);
    if (!workflow || !waitsForUser(workflow)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const why = workflow.approvals?.map((a) => `${a.trigger}: ${a.reason}`).join('\n') ?? '';
    const args = { workflowId: workflow.id };
    return [
      new vscode.CodeLens(top, { title: '$(check) Approve', command: 'baton.approve', arguments: [args], tooltip: `Baton: approve and go on. ${why}`.trim() }),
      new vscode.CodeLens(top, { title: '$(close) Reject…', command: 'baton.reject', arguments: [args], tooltip: 'Baton: reject; you may give a reason' }),
    ];
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.lensesChanged.dispose();
  }
}
