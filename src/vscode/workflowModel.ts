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
    void vscode.commands.executeCommand('setContext', 'baton.hasWorkflows', this.workflows.length > 0);
    void vscode.commands.executeCommand('setContext', 'baton.hasRunningWorkflow', has('running', 'queued'));
    void vscode.commands.executeCommand('setContext', 'baton.hasPausedWorkflow', has('paused'));
    void vscode.commands.executeCommand('setContext', 'baton.hasPendingApproval', has('waiting'));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
