// activate() is the one place where Baton's VS Code objects are built and wired. It stays small
// and fast: the orchestration engine (LangGraph, model clients) is loaded on first use, never here.
import * as vscode from 'vscode';
import { checkRuntime } from './core/runtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PanelEntry } from './protocol/panelEntries';
import { conflictCommands } from './protocol/lsp';
import type { PanelState, WorkflowSummary } from './protocol/webview';
import { panelEntries } from './vscode/panel/panelEntries';
import { doctor } from './vscode/commands/doctor';
import { setApiKey } from './vscode/commands/setApiKey';
import { control, decide, startWorkflow, stopAll, tryDemo } from './vscode/commands/workflowCommands';
import { askToResolve, compareSides, takeSide } from './vscode/conflicts/conflictCommands';
import { DiffApprovals, editorWorkflowArgs } from './vscode/diff/diffApprovals';
import { RefContentProvider } from './vscode/diff/refContentProvider';
import { refScheme } from './vscode/diff/refUri';
import { showChanges } from './vscode/diff/showChanges';
import { PanelHost } from './vscode/panel/panelHost';
import { ApiKeyStore } from './vscode/secrets';
import { budgetUsd } from './vscode/settings';
import { AgentTreeProvider } from './vscode/views/agentTree';
import { CostStatusBar } from './vscode/views/statusBar';
import { WorkflowModel } from './vscode/workflowModel';
import { WorkflowService } from './vscode/workflowService';

/** What activate() returns: read-only access for other extensions and Baton's own tests. */
export interface BatonApi {
  workflows(): readonly WorkflowSummary[];
  onDidChangeWorkflows: vscode.Event<void>;
  /** A workflow's thread entries as the panel receives them, read from its audit log. */
  threadEntries(workflowId: string): Promise<PanelEntry[]>;
}

export function activate(context: vscode.ExtensionContext): BatonApi {
  const output = vscode.window.createOutputChannel('Baton', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const model = new WorkflowModel();
  const tree = new AgentTreeProvider(model);
  const version = String(context.extension.packageJSON.version ?? '');
  const panelState = (): PanelState => ({ extensionVersion: version, workspaceTrusted: vscode.workspace.isTrusted, workflows: [...model.list()] });
  const service = new WorkflowService(context.extensionPath, keys, model, output);
  // After a reload, the workflows of a repository where Baton ran reappear (and interrupted ones go on)
  // once the tree or the panel is shown: the engine is loaded then, not at activation, and only where Baton has state.
  const openIfUsedHere = () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (folder && vscode.workspace.isTrusted && existsSync(join(folder, '.git', 'baton', 'baton.db'))) void service.engine().then(() => service.refresh(), () => undefined);
  };
  const panel = new PanelHost(context.extensionUri, panelState, model.onDidChange, { onEvent: (l) => service.onDidEmit(l), history: (id) => service.history(id) }, openIfUsedHere);
  const treeView = vscode.window.createTreeView('baton.agents', { treeDataProvider: tree, showCollapseAll: true });
  const diffApprovals = new DiffApprovals(model);

  context.subscriptions.push(
    output,
    model,
    tree,
    panel,
    service,
    treeView,
    diffApprovals,
    vscode.workspace.registerTextDocumentContentProvider(refScheme, new RefContentProvider((root, ref, path) => service.readAtRef(root, ref, path))),
    vscode.languages.registerCodeLensProvider({ scheme: refScheme }, diffApprovals),
    treeView.onDidChangeVisibility((e) => {
      if (e.visible) openIfUsedHere();
    }),
    new CostStatusBar(model, budgetUsd),
    vscode.workspace.onDidGrantWorkspaceTrust(() => model.publish()),
    vscode.commands.registerCommand('baton.openPanel', (arg?: unknown) => panel.show(panelFocus(arg))),
    vscode.commands.registerCommand('baton.startWorkflow', (args?: { task?: string; mode?: string; budgetUsd?: number }) => startWorkflow(service, context.globalState, args)),
    vscode.commands.registerCommand('baton.tryDemo', () => tryDemo(service)),
    // From a diff editor's title bar the argument is the editor's resource: it names the workflow.
    vscode.commands.registerCommand('baton.approve', (arg?: unknown) => decide(service, model, 'approve', editorWorkflowArgs(arg) ?? arg)),
    vscode.commands.registerCommand('baton.reject', (arg?: unknown) => decide(service, model, 'reject', editorWorkflowArgs(arg) ?? arg)),
    vscode.commands.registerCommand('baton.pause', (arg?: unknown) => control(service, model, 'pause', arg)),
    vscode.commands.registerCommand('baton.resume', (arg?: unknown) => control(service, model, 'resume', arg)),
    vscode.commands.registerCommand('baton.cancel', (arg?: unknown) => control(service, model, 'cancel', arg)),
    vscode.commands.registerCommand('baton.stopAll', () => stopAll(service, model)),
    vscode.commands.registerCommand('baton.showChanges', (arg?: unknown) => showChanges(service, model, arg)),
    // The quick fixes of conflict diagnostics (the language server offers them; they run here).
    vscode.commands.registerCommand(conflictCommands.compare, (arg?: unknown) => compareSides(service, arg)),
    vscode.commands.registerCommand(conflictCommands.takeSide, (arg?: unknown) => takeSide(service, arg)),
    vscode.commands.registerCommand(conflictCommands.askToResolve, (arg?: unknown) => askToResolve(service, arg)),
    vscode.commands.registerCommand('baton.rollback', (arg?: unknown) => control(service, model, 'rollback', arg)),
    vscode.commands.registerCommand('baton.setApiKey', () => setApiKey(keys)),
    vscode.commands.registerCommand('baton.doctor', () => doctor(keys, output, context.extensionPath)),
  );
  model.publish();
  if (treeView.visible) openIfUsedHere();

  const runtime = checkRuntime('extension');
  if (!runtime.ok) {
    output.warn(`${runtime.problem} ${runtime.fix}`);
    void vscode.window.showWarningMessage(`Baton: ${runtime.problem}`, 'Show Details').then((a) => a && output.show());
  }
  return { workflows: () => model.list(), onDidChangeWorkflows: model.onDidChange, threadEntries: async (id) => panelEntries(await service.history(id)) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** What "Open Agent Panel" shows first: the tree item's (or the caller's) workflow and agent. */
function panelFocus(arg: unknown): { workflowId: string; agentId?: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { workflowId?: unknown; agentId?: unknown; workflow?: { id?: unknown }; agent?: { id?: unknown } };
  const workflowId = typeof a.workflowId === 'string' ? a.workflowId : typeof a.workflow?.id === 'string' ? a.workflow.id : undefined;
  if (!workflowId) return undefined;
  const agentId = typeof a.agentId === 'string' ? a.agentId : typeof a.agent?.id === 'string' ? a.agent.id : undefined;
  return { workflowId, agentId };
}
