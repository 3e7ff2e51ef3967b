import type { ApprovalTrigger, WorkflowMode } from '../core/config/vocabulary';
import { approvalTriggers, workflowModes } from '../core/config/vocabulary';
import { trustFilePath } from '../core/config/userConfigDir';
import { resolveModelEndpoint } from '../core/modelEndpoint';
import type { EngineSettings } from '../core/openEngine';
import type { StorageSettings } from '../core/store/operationalStore';
import { CliError, exitCodes } from './exitCodes';
import type { UserSettings } from './userSettings';

// As node:util parseArgs returns them; no option here is `multiple`, so arrays never occur in practice.
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

const approveModes = ['ask', 'auto', 'never'] as const;

function oneOf<T extends string>(flag: string, value: Flags[string], allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`--${flag} must be one of ${allowed.join(', ')} (got "${String(value)}")`, exitCodes.usage);
}

function positive(flag: string, value: Flags[string], integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new CliError(`--${flag} must be a positive ${integer ? 'whole number' : 'number'} (got "${String(value)}")`, exitCodes.usage);
  }
  return n;
}

function checkCommand(value: Flags[string]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value.trim()) throw new CliError('--check needs the command to run on the merged work, e.g. --check "npm test"', exitCodes.usage);
  return value.trim();
}

export interface RunFlags {
  mode?: WorkflowMode;
  budgetUsd?: number;
  budgetTokens?: number;
  approve: 'ask' | 'auto' | 'never';
  settings: EngineSettings;
}

/**
 * `BATON_STORAGE_BACKEND` (sqlite | postgres) and `BATON_POSTGRES_URL`, the CLI's `baton.storage.*` (over the
 * settings file's `storage:`). A URL alone chooses Postgres: setting it and still getting a private SQLite file
 * would be a silent surprise.
 */
export function storageSettings(env: NodeJS.ProcessEnv, user: UserSettings['storage'] = {}): StorageSettings {
  const url = env.BATON_POSTGRES_URL?.trim() || user.postgresUrl || '';
  const backend = env.BATON_STORAGE_BACKEND?.trim() || (env.BATON_POSTGRES_URL?.trim() ? 'postgres' : user.backend) || (url ? 'postgres' : 'sqlite');
  if (backend === 'sqlite') return { backend };
  if (backend !== 'postgres') throw new CliError(`BATON_STORAGE_BACKEND must be sqlite or postgres (got "${backend}")`, exitCodes.usage);
  if (!url) throw new CliError('The storage backend is postgres but no URL is set: set BATON_POSTGRES_URL (or storage.postgresUrl in your settings file) to postgres://USER@HOST:PORT/DATABASE (the password in PGPASSWORD or ~/.pgpass)', exitCodes.usage);
  return { backend, postgresUrl: url };
}

/** A list from an environment variable; unset or blank: none given (the settings file or the default decides). */
const lines = (value: string | undefined, separator: string) => (value?.trim() ? value.split(separator).map((s) => s.trim()).filter(Boolean) : undefined);

/**
 * Flags, environment and the user's settings file (`userSettingsPath`) to engine settings, in that order of
 * precedence; a bad value is a usage error (exit 2).
 */
export function runFlags(flags: Flags, env: NodeJS.ProcessEnv, user: UserSettings = {}): RunFlags {
  const endpoint = resolveModelEndpoint(env, { baseUrl: user.model?.baseUrl, model: user.model?.name });
  // Flags beat the environment here: resolveModelEndpoint lets the environment win over settings.
  if (typeof flags['base-url'] === 'string') endpoint.baseUrl = flags['base-url'];
  if (typeof flags.model === 'string') endpoint.model = flags.model;
  const approve = oneOf('approve', flags.approve, approveModes) ?? 'ask';
  const require = lines(env.BATON_APPROVALS, ',');
  for (const r of require ?? []) if (!(approvalTriggers as readonly string[]).includes(r)) throw new CliError(`BATON_APPROVALS names an unknown trigger "${r}"; use ${approvalTriggers.join(', ')}`, exitCodes.usage);
  const keep = flags['keep-worktrees'] === true || ['1', 'true', 'yes'].includes((env.BATON_KEEP_WORKTREES ?? '').toLowerCase());
  return {
    mode: oneOf('mode', flags.mode, workflowModes) ?? user.mode,
    budgetUsd: positive('budget', flags.budget, false) ?? user.budget?.perWorkflowUsd,
    budgetTokens: positive('budget-tokens', flags['budget-tokens'], true) ?? user.budget?.tokens,
    approve,
    settings: {
      endpoint,
      concurrency: positive('concurrency', flags.concurrency, true) ?? user.concurrency,
      requestsPerMinute: env.BATON_RPM ? Number(env.BATON_RPM) : user.rateLimit?.requestsPerMinute,
      approvalsRequire: (require as ApprovalTrigger[] | undefined) ?? user.approvals?.require,
      confidenceThreshold: user.approvals?.confidenceThreshold,
      approvalMode: approve,
      fallbackModels: lines(env.BATON_MODEL_FALLBACKS, ',') ?? user.model?.fallbacks,
      pricing: user.model?.pricing,
      allowCommands: lines(env.BATON_ALLOW_COMMANDS, '\n') ?? user.commands?.allow ?? [],
      commandEnv: user.commands?.env ?? [],
      checkCommand: checkCommand(flags.check) ?? (user.check?.command || undefined),
      keepWorktrees: keep || user.git?.keepWorktrees === true,
      storage: storageSettings(env, user.storage),
      // Next to the settings file: the answers `baton trust`, the prompt before a run and VS Code share.
      trustFile: trustFilePath(env),
    },
  };
}
