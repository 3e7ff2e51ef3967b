import * as vscode from 'vscode';
import type { ApprovalTrigger, WorkflowMode } from '../core/config/vocabulary';
import { trustFilePath } from '../core/config/userConfigDir';
import type { PriceTable } from '../core/cost/pricing';
import { resolveModelEndpoint } from '../core/modelEndpoint';
import type { ModelEndpoint } from '../core/modelEndpoint';
import type { EngineSettings } from '../core/openEngine';
import type { StorageSettings } from '../core/store/operationalStore';
import { fromUser, highestOfScopes, setByWorkspace, unionOfScopes, userOnlySettings } from './settingScopes';

/** The endpoint from `baton.model.*` settings, overridden by the environment (DESIGN.md §2); its URL from the user's own settings. */
export function modelEndpoint(apiKey: string | undefined): ModelEndpoint {
  const c = vscode.workspace.getConfiguration('baton');
  return resolveModelEndpoint(process.env, { baseUrl: fromUser(c.inspect<string>('model.baseUrl'), undefined), model: c.get<string>('model.name'), apiKey });
}

/** The settings a workspace's `.vscode/settings.json` sets but Baton takes from the user's own settings only. */
export function leftOutWorkspaceSettings(): string[] {
  const c = vscode.workspace.getConfiguration('baton');
  return userOnlySettings.filter((key) => setByWorkspace(c.inspect(key))).map((key) => `baton.${key}`);
}

export function budgetUsd(): number {
  return vscode.workspace.getConfiguration('baton').get<number>('budget.perWorkflowUsd', 2);
}

/** `baton.budget.tokens`; unset (0): a token budget is derived from the dollar one when a model has no known price. */
export function budgetTokens(): number | undefined {
  const tokens = vscode.workspace.getConfiguration('baton').get<number>('budget.tokens', 0);
  return tokens > 0 ? Math.round(tokens) : undefined;
}

export function workflowMode(): WorkflowMode {
  return vscode.workspace.getConfiguration('baton').get<WorkflowMode>('mode', 'centralized');
}

/** `baton.storage.*`: the repository's SQLite file, or a PostgreSQL shared by several machines. */
export function storageSettings(): StorageSettings {
  const c = vscode.workspace.getConfiguration('baton');
  return c.get<string>('storage.backend', 'sqlite') === 'postgres'
    ? { backend: 'postgres', postgresUrl: fromUser(c.inspect<string>('storage.postgresUrl'), '') }
    : { backend: 'sqlite' };
}

/** Everything the engine takes from `baton.*` settings. */
export function engineSettings(apiKey: string | undefined): EngineSettings {
  const c = vscode.workspace.getConfiguration('baton');
  return {
    endpoint: modelEndpoint(apiKey),
    concurrency: c.get<number>('concurrency', 4),
    requestsPerMinute: c.get<number>('rateLimit.requestsPerMinute', 60),
    approvalsRequire: unionOfScopes(c.inspect<ApprovalTrigger[]>('approvals.require')),
    confidenceThreshold: highestOfScopes(c.inspect<number>('approvals.confidenceThreshold'), 0.6),
    approvalMode: 'ask',
    allowCommands: fromUser(c.inspect<string[]>('commands.allow'), []),
    commandEnv: fromUser(c.inspect<string[]>('commands.env'), []),
    pricing: c.get<PriceTable>('model.pricing', {}),
    checkCommand: fromUser(c.inspect<string>('check.command'), '').trim() || undefined,
    keepWorktrees: c.get<boolean>('git.keepWorktrees', false),
    fallbackModels: c.get<string[]>('model.fallbacks', []),
    storage: storageSettings(),
    // The same answers as the CLI's `baton trust` (one file, in the user's settings area).
    trustFile: trustFilePath(process.env),
  };
}

/** `baton.notifications.webhookUrl`, empty when unset. */
export function webhookUrl(): string {
  return fromUser(vscode.workspace.getConfiguration('baton').inspect<string>('notifications.webhookUrl'), '').trim();
}
