import * as vscode from 'vscode';
import type { WorkflowModel } from '../workflowModel';
import { statusBarLook } from './statusBarLook';

/** Money spent against the budget and how many agents are at work; a click opens the panel. */
export class CostStatusBar implements vscode.Disposable {
  /** Read by the extension-host tests: the status bar's DOM is not part of the API. */
  readonly item = vscode.window.createStatusBarItem('baton.cost', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly model: WorkflowModel, private readonly defaultBudgetUsd: () => number) {
    this.item.name = 'Baton cost';
    this.item.command = 'baton.openPanel';
    this.subscriptions.push(model.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private render(): void {
    const look = statusBarLook(this.model.list(), this.defaultBudgetUsd());
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.colour ? new vscode.ThemeColor(`statusBarItem.${look.colour}Background`) : undefined;
  }

  dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
