// The webview's side of the typed channel (src/protocol/webview.ts): says `ready` once, routes
// notifications to listeners, and matches responses to pending requests by id.
import type { HostToWebview, NotificationMethod, PanelNotifications, PanelRequests, RequestMethod, WebviewToHost } from '../../src/protocol/webview';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type Listener<M extends NotificationMethod> = (params: PanelNotifications[M]) => void;

export class Host {
  private readonly api = acquireVsCodeApi();
  private readonly listeners = new Map<NotificationMethod, Set<Listener<NotificationMethod>>>();
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor() {
    window.addEventListener('message', (e: MessageEvent<HostToWebview>) => this.receive(e.data));
  }

  ready(): void {
    this.api.postMessage({ kind: 'ready' });
  }

  on<M extends NotificationMethod>(method: M, listener: Listener<M>): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener as Listener<NotificationMethod>);
    return () => set.delete(listener as Listener<NotificationMethod>);
  }

  request<M extends RequestMethod>(method: M, params: PanelRequests[M][0]): Promise<PanelRequests[M][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ kind: 'request', id, method, params } as WebviewToHost);
    });
  }

  /** The webview's own state survives the panel being hidden or the window reloading. */
  saved<T>(): T | undefined {
    return this.api.getState() as T | undefined;
  }

  save(state: unknown): void {
    this.api.setState(state);
  }

  private receive(message: HostToWebview): void {
    if (message.kind === 'notify') {
      for (const l of this.listeners.get(message.method) ?? []) l(message.params);
    } else if (message.kind === 'response') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (message.ok) p.resolve(message.result);
      else p.reject(new Error(message.error));
    }
  }
}
