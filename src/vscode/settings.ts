import * as vscode from 'vscode';
import type { ApprovalTrigger, WorkflowMode } from '../core/config/vocabulary';
import { trustFilePath } from '../core/config/userConfigDir';
import type { PriceTable } from '../core/cost/pricing';
import { resolveModelEndpoint } from '../core/modelEndpoint';
import type { ModelEndpoint } from '../core/modelEndpoint';
import type { EngineSettings } from '../core/openEngine';
import type { StorageSettings } from '../core/store/operationalStore';

/** The endpoint from `baton.model.*` settings, overridden by the environment (DESIGN.md §2). */
export function modelEndpoint(apiKey: string | undefined): ModelEndpoint {
  const c = vscode.workspace.getConfiguration('baton');
  return resolveModelEndpoint(process.env, { baseUrl: c.get<string>('model.baseUrl'), model: c.get<string>('model.name'), apiKey });
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
    ? { backend: 'postgres', postgresUrl: c.get<string>('storage.postgresUrl', '') }
    : { backend: 'sqlite' };
}

/** Everything the engine takes from `baton.*` settings. */
export function engineSettings(apiKey: string | undefined): EngineSettings {
  const c = vscode.workspace.getConfiguration('baton');
  return {
    endpoint: modelEndpoint(apiKey),
    concurrency: c.get<number>('concurrency', 4),
    requestsPerMinute: c.get<number>('rateLimit.requestsPerMinute', 60),
    approvalsRequire: c.get<ApprovalTrigger[]>('approvals.require'),
    confidenceThreshold: c.get<number>('approvals.confidenceThreshold', 0.6),
    approvalMode: 'ask',
    allowCommands: c.get<string[]>('commands.allow', []),
    commandEnv: c.get<string[]>('commands.env', []),
    pricing: c.get<PriceTable>('model.pricing', {}),
    checkCommand: c.get<string>('check.command', '').trim() || undefined,
    keepWorktrees: c.get<boolean>('git.keepWorktrees', false),
    fallbackModels: c.get<string[]>('model.fallbacks', []),
    storage: storageSettings(),
    // The same answers as the CLI's `baton trust` (one file, in the user's settings area).
    trustFile: trustFilePath(process.env),
  };
}

/** `baton.notifications.webhookUrl`, empty when unset. */
export function webhookUrl(): string {
  return vscode.workspace.getConfiguration('baton').get<string>('notifications.webhookUrl', '').trim();
}
