// activate() is the one place where Baton's VS Code objects are built and wired. It stays small
// and fast: the orchestration engine (LangGraph, model clients) is loaded on first use, never here.
import * as vscode from 'vscode';
import { checkRuntime } from './core/runtime';
import type { PanelState } from './protocol/webview';
import { doctor } from './vscode/commands/doctor';
import { setApiKey } from './vscode/commands/setApiKey';
import { actOnWorkflow, startWorkflow, stopAll, tryDemo, workflowActions } from './vscode/commands/workflowCommands';
import { PanelHost } from './vscode/panel/panelHost';
import { ApiKeyStore } from './vscode/secrets';
import { budgetUsd } from './vscode/settings';
import { AgentTreeProvider } from './vscode/views/agentTree';
import { CostStatusBar } from './vscode/views/statusBar';
import { WorkflowModel } from './vscode/workflowModel';

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Baton', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const model = new WorkflowModel();
  const tree = new AgentTreeProvider(model);
  const version = String(context.extension.packageJSON.version ?? '');
  const panelState = (): PanelState => ({ extensionVersion: version, workspaceTrusted: vscode.workspace.isTrusted, workflows: [...model.list()] });
  const panel = new PanelHost(context.extensionUri, panelState, model.onDidChange);

  context.subscriptions.push(
    output,
    model,
    tree,
    panel,
    vscode.window.createTreeView('baton.agents', { treeDataProvider: tree, showCollapseAll: true }),
    new CostStatusBar(model, budgetUsd),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.publish()),
    vscode.commands.registerCommand('baton.openPanel', () => panel.show()),
    vscode.commands.registerCommand('baton.startWorkflow', (args?: { task?: string }) => startWorkflow(context.globalState, args)),
    vscode.commands.registerCommand('baton.tryDemo', () => tryDemo()),
    vscode.commands.registerCommand('baton.stopAll', () => stopAll(model)),
    vscode.commands.registerCommand('baton.setApiKey', () => setApiKey(keys)),
    vscode.commands.registerCommand('baton.doctor', () => doctor(keys, output)),
    ...Object.keys(workflowActions).map((id) =>
      vscode.commands.registerCommand(id, (arg?: unknown) => actOnWorkflow(model, id as keyof typeof workflowActions, arg))),
  );
  model.publish();

  const runtime = checkRuntime('extension');
  if (!runtime.ok) {
    output.warn(`${runtime.problem} ${runtime.fix}`);
    void vscode.window.showWarningMessage(`Baton: ${runtime.problem}`, 'Show Details').then((a) => a && output.show());
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
