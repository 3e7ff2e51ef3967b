import * as vscode from 'vscode';
import { isPanelCommand, isWebviewToHost } from '../../protocol/webview';
import type { HostToWebview, PanelNotifications, PanelState, WebviewToHost } from '../../protocol/webview';
import { panelHtml } from './html';
import { PanelFeed } from './panelFeed';
import type { EventSource } from './panelFeed';

export const panelViewType = 'baton.panel';
const title = 'Baton Agents';

/**
 * Owns the agent panel: creates or reveals it, restores it after a reload (serializer), and speaks
 * the typed protocol. It posts nothing until the webview says `ready`, then the current state and
 * every change after it, and the entries of the workflow the webview watches.
 *
 * No retainContextWhenHidden: a hidden panel gives its document back, and when shown again the
 * webview restores its own view (getState) and asks for its workflow's entries again; the list is
 * virtualized, so that render is cheap (docs/decisions/0016).
 */
export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private focus: PanelNotifications['focus'] | undefined;
  private feed: PanelFeed | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly currentState: () => PanelState,
    stateChanged: vscode.Event<void>,
    private readonly events: EventSource,
    /** The webview is up: after a reload, the workflows it shows must be read from the store. */
    private readonly onReady: () => void = () => undefined,
  ) {
    this.disposables.push(
      stateChanged(() => this.postState()),
      vscode.window.registerWebviewPanelSerializer(panelViewType, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
  }

  /** Opens or reveals the panel; with `focus`, on that workflow and agent's thread. */
  show(focus?: PanelNotifications['focus']): void {
    this.focus = focus;
    if (this.panel) {
      this.panel.reveal();
      this.postFocus();
      return;
    }
    const panel = vscode.window.createWebviewPanel(panelViewType, title, vscode.ViewColumn.Active, this.options());
    this.attach(panel);
  }

  /** Sent once the webview is ready (a new panel says `ready` after it loads). */
  private postFocus(): void {
    if (!this.ready || !this.focus) return;
    this.post({ kind: 'notify', method: 'focus', params: this.focus });
    this.focus = undefined;
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
    this.feed?.dispose();
    const feed = (this.feed = new PanelFeed(this.events, (params) => this.post({ kind: 'notify', method: 'feed', params })));
    panel.onDidDispose(() => {
      messages.dispose();
      feed.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.feed = undefined;
      }
    });
    panel.webview.html = panelHtml(panel.webview, vscode.Uri.joinPath(this.extensionUri, 'dist'), title);
  }

  private async receive(message: unknown): Promise<void> {
    if (!isWebviewToHost(message)) return;
    if (message.kind === 'ready') {
      this.ready = true;
      this.postState();
      this.postFocus();
      this.onReady();
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
      } else if (request.method === 'watch') {
        if (typeof request.params.workflowId !== 'string') throw new Error('The panel asked for a workflow Baton cannot read.');
        await this.feed?.watch(request.params.workflowId);
      } else if (request.method === 'openDiff') {
        const { workflowId, agentId } = request.params;
        if (typeof workflowId !== 'string' || (agentId !== undefined && typeof agentId !== 'string')) throw new Error('The panel asked for a diff Baton cannot read.');
        await vscode.commands.executeCommand('baton.showChanges', { workflowId, agentId });
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
    this.feed?.dispose();
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}
