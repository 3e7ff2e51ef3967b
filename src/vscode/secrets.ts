import type * as vscode from 'vscode';

const secretKey = 'baton.apiKey';

/**
 * The model API key in VS Code's SecretStorage: never in settings, state, logs, events or an environment
 * (it goes from here to the engine's model client in memory; the git helper and the language server start
 * from core/childEnv.ts's allow-list, not the extension host's variables). Without a stored key,
 * core/modelEndpoint.ts falls back to BATON_API_KEY / OPENAI_API_KEY.
 */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** Fires when the stored key changes, in this window or another. */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((e) => { if (e.key === secretKey) listener(); });
  }

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(secretKey)) || undefined;
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(secretKey, key);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(secretKey);
  }
}
