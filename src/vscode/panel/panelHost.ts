import * as vscode from 'vscode';
import { isPanelCommand, isWebviewToHost } from '../../protocol/webview';
import type { HostToWebview, PanelState, WebviewToHost } from '../../protocol/webview';
import { panelHtml } from './html';

export const panelViewType = 'baton.panel';
const title = 'Baton Agents';

/**
 * Owns the agent panel: creates or reveals it, restores it after a reload (serializer), and speaks
 * the typed protocol. It posts nothing until the webview says `ready`, then the current state and
 * every change after it.
 */
export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly currentState: () => PanelState,
    stateChanged: vscode.Event<void>,
  ) {
    this.disposables.push(
      stateChanged(() => this.postState()),
      vscode.window.registerWebviewPanelSerializer(panelViewType, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(panelViewType, title, vscode.ViewColumn.Active, this.options());
    this.attach(panel);
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'baton.svg');
    panel.webview.options = this.options();
    // A hidden webview loses its document and says `ready` again when shown: state is re-sent then.
    const messages = panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m));
    panel.onDidDispose(() => {
      messages.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
    panel.webview.html = panelHtml(panel.webview, vscode.Uri.joinPath(this.extensionUri, 'dist'), title);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewToHost(message)) return;
    if (message.kind === 'ready') {
      this.ready = true;
      this.postState();
      return;
    }
    await this.answer(message);
  }

  private async answer(request: Extract<WebviewToHost, { kind: 'request' }>): Promise<void> {
    try {
      if (request.method === 'decide') {
        // Messages from the webview are untrusted input: check the shape before acting on it.
        const { workflowId, approvalId, decision } = request.params;
        if (typeof workflowId !== 'string' || typeof approvalId !== 'string' || (decision !== 'approve' && decision !== 'reject')) throw new Error('The panel sent an approval Baton cannot read.');
        await vscode.commands.executeCommand(decision === 'approve' ? 'baton.approve' : 'baton.reject', { workflowId, approvalId });
      } else if (request.method === 'runCommand' && isPanelCommand(request.params.command)) {
        await vscode.commands.executeCommand(request.params.command, request.params.workflowId ? { workflowId: request.params.workflowId } : undefined);
      } else {
        throw new Error(`The panel asked for something Baton does not offer (${request.method}).`);
      }
      this.post({ kind: 'response', id: request.id, ok: true, result: undefined });
    } catch (e) {
      this.post({ kind: 'response', id: request.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private postState(): void {
    if (this.ready) this.post({ kind: 'notify', method: 'state', params: this.currentState() });
  }

  private post(message: HostToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
