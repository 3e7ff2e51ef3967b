// A repository's `.vscode/settings.json` is the repository's config as much as its `.baton/agents.yaml` is, and a
// trusted workspace applies it: so, as for the team file (docs/decisions/0026), it may ask but never grant. The
// settings that run code, reach the network or carry the work away (the check, allowed commands and variables,
// the model's endpoint, the webhook, the shared database) are read from the user's own settings only; the
// approvals may only be added to, the confidence threshold only raised. Plain functions of what
// `WorkspaceConfiguration.inspect()` returns, so they are tested without an editor.

/** What `inspect()` answers for one setting: the value at each scope. */
export interface Scoped<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** The settings only a user's own settings may set. */
export const userOnlySettings = ['check.command', 'commands.allow', 'commands.env', 'model.baseUrl', 'notifications.webhookUrl', 'storage.postgresUrl'] as const;

/** The user's value (user or machine settings), else the default: a workspace's value is not taken. */
export function fromUser<T>(s: Scoped<T> | undefined, fallback: T): T {
  return s?.globalValue ?? s?.defaultValue ?? fallback;
}

/** Whether a workspace sets a value the user's own settings would not give (so it was left out). */
export function setByWorkspace<T>(s: Scoped<T> | undefined): boolean {
  const own = JSON.stringify(s?.globalValue ?? s?.defaultValue);
  return [s?.workspaceValue, s?.workspaceFolderValue].some((v) => v !== undefined && JSON.stringify(v) !== own);
}

/** Approval triggers: the user's list (or the default), with what a workspace adds; a workspace removes none. */
export function unionOfScopes<T>(s: Scoped<readonly T[]> | undefined): T[] | undefined {
  const own = s?.globalValue ?? s?.defaultValue;
  if (own === undefined) return undefined;
  return [...new Set([...own, ...(s?.workspaceValue ?? []), ...(s?.workspaceFolderValue ?? [])])];
}

/** A threshold a workspace may only raise. */
export function highestOfScopes(s: Scoped<number> | undefined, fallback: number): number {
  const own = s?.globalValue ?? s?.defaultValue ?? fallback;
  return Math.max(own, s?.workspaceValue ?? own, s?.workspaceFolderValue ?? own);
}
