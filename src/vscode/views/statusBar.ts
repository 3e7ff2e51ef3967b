import * as vscode from 'vscode';
import type { WorkflowModel } from '../workflowModel';

/** Money spent against the budget and how many agents are at work; a click opens the panel. */
export class CostStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('baton.cost', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly model: WorkflowModel, private readonly defaultBudgetUsd: () => number) {
    this.item.name = 'Baton cost';
    this.item.command = 'baton.openPanel';
    this.subscriptions.push(model.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private render(): void {
    const live = this.model.list().filter((w) => ['queued', 'running', 'waiting', 'paused'].includes(w.status));
    // With nothing running, the latest workflow's spend stays in view until the next one starts.
    const shown = live.length ? live : this.model.list().slice(0, 1);
    const spent = shown.reduce((s, w) => s + w.costUsd, 0);
    const budget = shown.length ? shown.reduce((s, w) => s + w.budgetUsd, 0) : this.defaultBudgetUsd();
    const agents = live.flatMap((w) => w.agents).filter((a) => a.status === 'working').length;
    const ratio = budget > 0 ? spent / budget : 0;
    this.item.text = `$(organization) $${spent.toFixed(2)} / $${budget.toFixed(2)}${agents ? ` · ${agents} agent${agents > 1 ? 's' : ''}` : ''}`;
    this.item.tooltip = `Baton: $${spent.toFixed(2)} spent of a $${budget.toFixed(2)} budget; ${agents} agent(s) working. Click to open the agent panel.`;
    this.item.backgroundColor = ratio >= 1
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : ratio >= 0.8 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
