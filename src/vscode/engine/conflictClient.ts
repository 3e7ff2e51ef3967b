import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { childEnv } from '../../core/childEnv';
import type { BatonEvent } from '../../core/events/events';
import { conflictsNotification } from '../../protocol/lsp';
import type { ConflictsParams, FileConflict } from '../../protocol/lsp';

type ConflictEvent = Extract<BatonEvent, { type: 'conflict.detected' }>;

/** An event's conflict in the language server's terms: one side per branch, lines in base coordinates. */
export function toFileConflict(e: ConflictEvent): FileConflict[] {
  return e.data.files.map((f) => ({
    id: e.data.id,
    kind: e.data.kind,
    path: f.path,
    message: e.data.description ?? `${e.data.kind} conflict between ${e.data.branches.join(' and ')}`,
    sides: f.ranges.map((r) => ({ agentId: (r.branch ?? '').split('/').pop() ?? '', branch: r.branch ?? '', range: { start: r.startLine, end: r.endLine } })),
  }));
}

/**
 * The language server's environment: the allow-list of childEnv.ts, not the extension host's environment (which
 * holds whatever the shell that started VS Code had, a model key included). The client copies process.env and
 * lays `env` over it, and Node leaves out a variable whose value is undefined: every other name is set so.
 */
function serverEnv(): Record<string, string | undefined> {
  const cleared = Object.fromEntries(Object.keys(process.env).map((name) => [name, undefined]));
  return { ...cleared, ...childEnv(process.env, { ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' }) };
}

/**
 * Starts Baton's language server and keeps it told of every workflow's current conflicts; it
 * publishes them as diagnostics on the user's files. Part of the engine bundle: loaded with it.
 */
export class ConflictClient implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly started: Promise<void>;
  private readonly conflicts = new Map<string, Map<string, ConflictEvent>>();

  constructor(serverModule: string, private readonly rootUri: string) {
    const options = { env: serverEnv() };
    this.client = new LanguageClient('baton.conflicts', 'Baton conflicts', {
      run: { module: serverModule, transport: TransportKind.ipc, options },
      debug: { module: serverModule, transport: TransportKind.ipc, options },
    }, { documentSelector: [{ scheme: 'file' }] });
    this.started = this.client.start();
  }

  async observe(e: BatonEvent): Promise<void> {
    if (e.type !== 'conflict.detected' && e.type !== 'conflict.resolved') return;
    let byId = this.conflicts.get(e.workflowId);
    if (!byId) this.conflicts.set(e.workflowId, (byId = new Map()));
    if (e.type === 'conflict.detected') byId.set(e.data.id, e);
    else byId.delete(e.data.id);
    const params: ConflictsParams = { workflowId: e.workflowId, rootUri: this.rootUri, conflicts: [...byId.values()].flatMap(toFileConflict) };
    await this.started;
    await this.client.sendNotification(conflictsNotification, params);
  }

  dispose(): void {
    void this.client.stop();
  }
}
