import * as vscode from 'vscode';
import type { WorkflowSummary } from '../protocol/webview';

/**
 * What the views show about workflows, and the context keys the `when` clauses of package.json
 * read. The engine feeds it; the tree, the status bar and the panel listen.
 */
export class WorkflowModel implements vscode.Disposable {
  private workflows: WorkflowSummary[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  list(): readonly WorkflowSummary[] {
    return this.workflows;
  }

  replaceAll(workflows: WorkflowSummary[]): void {
    this.workflows = workflows;
    this.publish();
  }

  publish(): void {
    const has = (...s: WorkflowSummary['status'][]) => this.workflows.some((w) => s.includes(w.status));
    // One key per question a command's `when` asks; each matches the statuses its command accepts
    // (see workflowCommands.ts), so the palette offers only commands that can do something.
    const keys: Record<string, boolean> = {
      'baton.hasWorkflows': this.workflows.length > 0,
      'baton.hasRunningWorkflow': has('running', 'queued'),
      'baton.hasPausedWorkflow': has('paused'),
      'baton.hasPendingApproval': this.workflows.some((w) => w.status === 'waiting' || (w.approvals?.length ?? 0) > 0),
      'baton.hasLiveWorkflow': has('running', 'queued', 'waiting', 'paused'),
      'baton.hasResumableWorkflow': has('paused', 'cancelled', 'failed'),
      'baton.hasStoppedWorkflow': has('waiting', 'paused', 'completed', 'failed', 'cancelled'),
    };
    for (const [key, value] of Object.entries(keys)) void vscode.commands.executeCommand('setContext', key, value);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
