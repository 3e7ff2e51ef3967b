import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { loadTeamConfig } from './config/loadTeam';
import type { TeamConfig } from './config/teamSchema';
import type { ApprovalTrigger } from './config/vocabulary';
import { approvalsInForce } from './config/repoApprovals';
import { TrustStore } from './config/trustStore';
import { Pricing } from './cost/pricing';
import type { PriceTable } from './cost/pricing';
import { Engine } from './engine';
import type { EngineContext } from './graph/context';
import { AuditLogRecorder } from './events/auditLogRecorder';
import { EventBus } from './events/eventBus';
import { findRepository } from './git/repository';
import type { ModelEndpoint } from './modelEndpoint';
import type { CommandSandbox } from './sandbox/sandboxStatus';
import { openOperationalStore } from './store/operationalStore';
import type { StorageSettings } from './store/operationalStore';
import { batonDatabasePath, SqliteDatabase } from './store/sqliteDatabase';
import { SqliteMemory } from './store/sqliteMemory';
import type { WorkflowRecords } from './workflowRecords';
import { RepoTrust } from './repoTrust';

/** Everything the CLI and the extension decide about a run; unset fields take Baton's defaults. */
export interface EngineSettings {
  endpoint: ModelEndpoint;
  concurrency?: number;
  requestsPerMinute?: number;
  approvalsRequire?: readonly ApprovalTrigger[];
  confidenceThreshold?: number;
  approvalMode?: 'ask' | 'auto' | 'never';
  allowCommands?: readonly string[];
  approveCommand?: EngineContext['approveCommand'];
  /** `baton.commands.env`: names of environment variables commands get besides the built-in list. */
  commandEnv?: readonly string[];
  /** The commands' sandbox; unset: bubblewrap from PATH. */
  sandbox?: CommandSandbox;
  pricing?: PriceTable;
  /** The user's check, run on the integrated result; it wins over agents.yaml's check.command. */
  checkCommand?: string;
  /**
   * Where the user's answers about repositories' requests are kept (`trustFilePath`: next to the CLI's
   * config.yaml); unset: nothing is remembered, so a repository's check and commands take effect only when
   * trusted in this process.
   */
  trustFile?: string;
  /** Keep a workflow's worktrees and branches when it ends (baton.git.keepWorktrees). */
  keepWorktrees?: boolean;
  /** `baton.model.fallbacks`: models tried in order when the main one keeps failing. */
  fallbackModels?: readonly string[];
  /** The demo's scripted model, or a test's. */
  createModel?: (model: string) => BaseChatModel;
  /** Where workflows and checkpoints live; the repository's SQLite file unless set. */
  storage?: StorageSettings;
}

/**
 * Settings that depend on what the store holds, e.g. `baton resume`: the workflow's own run settings, with
 * the flags given to resume over them. Its storage is the one already open.
 */
export type SettingsAdjustment = (records: WorkflowRecords) => Promise<EngineSettings>;

export interface OpenedEngine {
  engine: Engine;
  team: TeamConfig;
  repoRoot: string;
  batonDir: string;
  /** What the repository's team file requests, and the user's answer about it. */
  repoTrust: RepoTrust;
  close(): void;
}

/**
 * Opens Baton on a repository: finds it, loads .baton/agents.yaml (or the built-in team; what it requests
 * takes effect once the user trusts it, and its approvals only add to the user's), opens the
 * SQLite store under .git/baton (and the shared PostgreSQL store when the settings choose it), and wires
 * the event bus to the audit log. Every error says what to do: a ConfigError for the team file, a
 * BatonError or StoreError for the rest.
 */
export async function openEngine(repoDir: string, given: EngineSettings, adjust?: SettingsAdjustment): Promise<OpenedEngine> {
  const { root, batonDir } = await findRepository(repoDir);
  const { team } = await loadTeamConfig(root);
  // The SQLite file is opened with either backend: what Baton learned stays in it, per machine, for now.
  const db = SqliteDatabase.open(batonDatabasePath(batonDir));
  let store;
  let settings = given;
  try {
    store = await openOperationalStore(given.storage, db);
  } catch (error) {
    db.close();
    throw error;
  }
  try {
    if (adjust) settings = await adjust(store.records);
  } catch (error) {
    store.close();
    db.close();
    throw error;
  }
  const allowCommands = settings.allowCommands ?? [];
  const repoTrust = new RepoTrust(root, team, { checkCommand: settings.checkCommand, allowCommands }, new TrustStore(settings.trustFile));
  // A repository only adds approvals: never one fewer than the user asked for.
  const approvals = approvalsInForce({ require: settings.approvalsRequire, confidenceThreshold: settings.confidenceThreshold }, team.approvals);
  const apiKey = settings.endpoint.apiKey;
  const bus = new EventBus({ knownSecrets: () => (apiKey ? [apiKey] : []) });
  const audit = new AuditLogRecorder(bus, batonDir, () => (apiKey ? [apiKey] : []));
  const engine = new Engine({
    repoDir: root,
    batonDir,
    team: { ...team, approvals: { ...team.approvals, largeChangeFiles: approvals.largeChangeFiles } },
    endpoint: settings.endpoint,
    createModel: settings.createModel,
    bus,
    checkpointer: store.checkpointer,
    records: store.records,
    concurrency: settings.concurrency ?? 4,
    requestsPerMinute: settings.requestsPerMinute ?? 60,
    approvals: { require: approvals.require, confidenceThreshold: approvals.confidenceThreshold, mode: settings.approvalMode ?? 'ask' },
    allowCommands,
    approveCommand: settings.approveCommand,
    commandEnv: settings.commandEnv,
    sandbox: settings.sandbox,
    pricing: await Pricing.load(settings.pricing, { baseUrl: settings.endpoint.baseUrl }),
    resilience: { fallbackModels: settings.fallbackModels },
    memory: new SqliteMemory(db),
    checkCommand: settings.checkCommand,
    repoTrust,
    keepWorktrees: settings.keepWorktrees ?? false,
  });
  return {
    engine, team, repoRoot: root, batonDir, repoTrust,
    close: () => {
      audit.dispose();
      bus.dispose();
      store.close();
      db.close();
    },
  };
}
