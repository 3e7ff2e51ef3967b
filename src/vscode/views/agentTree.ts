import * as vscode from 'vscode';
import type { AgentSummary, WorkflowSummary } from '../../protocol/webview';
import type { WorkflowModel } from '../workflowModel';
import { formatUsd as usd } from '../../core/cost/money';

type Node = { kind: 'workflow'; workflow: WorkflowSummary } | { kind: 'agent'; workflow: WorkflowSummary; agent: AgentSummary };

const workflowIcons: Record<WorkflowSummary['status'], [string, string?]> = {
  queued: ['clock'],
  running: ['sync~spin', 'charts.blue'],
  waiting: ['bell-dot', 'charts.yellow'],
  paused: ['debug-pause', 'charts.yellow'],
  completed: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  cancelled: ['circle-slash'],
};

const agentIcons: Record<AgentSummary['status'], [string, string?]> = {
  idle: ['circle-outline'],
  working: ['loading~spin', 'charts.blue'],
  waiting: ['bell-dot', 'charts.yellow'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
};

const icon = ([id, color]: [string, string?]) => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);

/** The agent monitor (`baton.agents`): workflows, and under each its agents. */
export class AgentTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: WorkflowModel) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.model.list().map((workflow) => ({ kind: 'workflow', workflow }));
    if (node.kind === 'workflow') return node.workflow.agents.map((agent) => ({ kind: 'agent', workflow: node.workflow, agent }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'workflow') {
      const w = node.workflow;
      const item = new vscode.TreeItem(w.task, vscode.TreeItemCollapsibleState.Expanded);
      item.id = w.id;
      item.description = `${w.status} · ${usd(w.costUsd)} / ${usd(w.budgetUsd)}`;
      item.iconPath = icon(workflowIcons[w.status]);
      // contextValue carries several words so package.json's `viewItem =~` clauses can match each.
      item.contextValue = `workflow ${w.status}${w.status === 'waiting' || w.approvals?.length ? ' approval' : ''}`;
      item.tooltip = new vscode.MarkdownString(`**${w.task}**\n\n${w.mode} · ${w.agents.length} agents · started ${w.startedAt}`);
      return item;
    }
    const a = node.agent;
    const item = new vscode.TreeItem(a.id, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.workflow.id}/${a.id}`;
    item.description = [a.currentStep, usd(a.costUsd)].filter(Boolean).join(' · ');
    item.iconPath = icon(agentIcons[a.status]);
    item.contextValue = `agent ${a.status}`;
    item.tooltip = `${a.role}: ${a.status}`;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
