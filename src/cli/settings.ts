import type { ApprovalTrigger, WorkflowMode } from '../core/config/vocabulary';
import { approvalTriggers, workflowModes } from '../core/config/vocabulary';
import { resolveModelEndpoint } from '../core/modelEndpoint';
import type { EngineSettings } from '../core/openEngine';
import type { StorageSettings } from '../core/store/operationalStore';
import { CliError, exitCodes } from './exitCodes';

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
  approve: 'ask' | 'auto' | 'never';
  settings: EngineSettings;
}

/**
 * `BATON_STORAGE_BACKEND` (sqlite | postgres) and `BATON_POSTGRES_URL`, the CLI's `baton.storage.*`. A URL alone
 * chooses Postgres: setting it and still getting a private SQLite file would be a silent surprise.
 */
export function storageSettings(env: NodeJS.ProcessEnv): StorageSettings {
  const url = env.BATON_POSTGRES_URL?.trim() ?? '';
  const backend = env.BATON_STORAGE_BACKEND?.trim() || (url ? 'postgres' : 'sqlite');
  if (backend === 'sqlite') return { backend };
  if (backend !== 'postgres') throw new CliError(`BATON_STORAGE_BACKEND must be sqlite or postgres (got "${backend}")`, exitCodes.usage);
  if (!url) throw new CliError('BATON_STORAGE_BACKEND is postgres but BATON_POSTGRES_URL is not set: set it to postgres://USER@HOST:PORT/DATABASE (the password in PGPASSWORD or ~/.pgpass)', exitCodes.usage);
  return { backend, postgresUrl: url };
}

/** Flags and environment to engine settings; a bad value is a usage error (exit 2). */
export function runFlags(flags: Flags, env: NodeJS.ProcessEnv): RunFlags {
  const endpoint = resolveModelEndpoint(env, {
    baseUrl: typeof flags['base-url'] === 'string' ? flags['base-url'] : undefined,
    model: typeof flags.model === 'string' ? flags.model : undefined,
  });
  // Flags beat the environment here: resolveModelEndpoint lets the environment win over settings.
  if (typeof flags['base-url'] === 'string') endpoint.baseUrl = flags['base-url'];
  if (typeof flags.model === 'string') endpoint.model = flags.model;
  const approve = oneOf('approve', flags.approve, approveModes) ?? 'ask';
  const require = env.BATON_APPROVALS ? env.BATON_APPROVALS.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  for (const r of require ?? []) if (!(approvalTriggers as readonly string[]).includes(r)) throw new CliError(`BATON_APPROVALS names an unknown trigger "${r}"; use ${approvalTriggers.join(', ')}`, exitCodes.usage);
  return {
    mode: oneOf('mode', flags.mode, workflowModes),
    budgetUsd: positive('budget', flags.budget, false),
    approve,
    settings: {
      endpoint,
      concurrency: positive('concurrency', flags.concurrency, true),
      requestsPerMinute: env.BATON_RPM ? Number(env.BATON_RPM) : undefined,
      approvalsRequire: require as ApprovalTrigger[] | undefined,
      approvalMode: approve,
      fallbackModels: env.BATON_MODEL_FALLBACKS ? env.BATON_MODEL_FALLBACKS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      allowCommands: env.BATON_ALLOW_COMMANDS ? env.BATON_ALLOW_COMMANDS.split('\n').map((s) => s.trim()).filter(Boolean) : [],
      checkCommand: checkCommand(flags.check),
      keepWorktrees: flags['keep-worktrees'] === true || ['1', 'true', 'yes'].includes((env.BATON_KEEP_WORKTREES ?? '').toLowerCase()),
      storage: storageSettings(env),
    },
  };
}
