import { hasRequests, repoRequestsOf, requestsDigest, requestsFile } from './config/repoRequests';
import type { RepoRequests } from './config/repoRequests';
import type { TeamConfig } from './config/teamSchema';
import type { TrustDecision, TrustEntry, TrustStore } from './config/trustStore';
import type { CheckSettings } from './graph/checkRun';

// A repository's `.baton/` can only ask, never grant: its check and allowed commands take effect once the user
// trusts that very content (by digest), and the user's own check wins over the repository's (decision 0026).

/** What the user set themselves, which a repository's requests can only add to. */
export interface UserCommands {
  /** --check, baton.check.command, the settings file's check.command. */
  checkCommand?: string;
  allowCommands: readonly string[];
}

export interface Granted {
  check?: CheckSettings;
  allowCommands: string[];
  /** Hosts agents' commands may reach: the repository's `sandbox.network`, once trusted (the user sets none of their own). */
  network: string[];
  /** The requests that would take effect now if the user trusted them (nothing when trusted). */
  unused: RepoRequests;
}

/** A check the user set runs with Baton's defaults: the repository's limits go with the repository's check. */
const ownCheck = (command: string): CheckSettings => ({ command, timeoutMs: 600_000, fixRounds: 1 });

/** The check and the allowed commands of a run, from the user's settings and, when trusted, the repository's requests. */
export function grantRequests(team: Pick<TeamConfig, 'check' | 'commands' | 'sandbox'>, user: UserCommands, trusted: boolean): Granted {
  const own = user.checkCommand?.trim() || undefined;
  const repoCheck = own ? undefined : team.check;
  const extra = repoRequestsOf(team).commands.filter((c) => !user.allowCommands.some((a) => a.trim() === c));
  if (trusted) {
    const check = own ? ownCheck(own) : repoCheck && { command: repoCheck.command, timeoutMs: repoCheck.timeoutSeconds * 1000, fixRounds: repoCheck.fixRounds };
    return { check, allowCommands: [...user.allowCommands, ...extra], network: [...(repoRequestsOf(team).network ?? [])], unused: { commands: [] } };
  }
  const network = repoRequestsOf(team).network;
  return {
    check: own ? ownCheck(own) : undefined, allowCommands: [...user.allowCommands], network: [],
    unused: { ...(repoCheck ? { check: repoCheck.command } : {}), commands: extra, ...(network ? { network } : {}) },
  };
}

export interface RepoTrustStatus {
  readonly repoRoot: string;
  /** The file the requests come from, relative to the repository. */
  readonly file: string;
  readonly requests: RepoRequests;
  readonly sha256: string;
  /** 'none': the file requests nothing; 'undecided': the user never answered about this content. */
  readonly state: 'none' | 'undecided' | TrustDecision;
  /** When the user answered. */
  readonly at?: string;
  /** Requests that would take effect now but do not, because the content is not trusted. */
  readonly unused: RepoRequests;
  /** The user's own check, which wins over the repository's whatever the answer. */
  readonly ownCheck?: string;
  /** Where answers are kept; undefined (no home folder): an answer lasts as long as this process. */
  readonly trustFile?: string;
}

/**
 * The requests of the team Baton loaded for a repository (its working tree's `.baton/agents.yaml` when Baton
 * opened it, which is what the user can read; an agent's branch never changes it) and the user's answer about
 * them, read again on each call so `baton trust` or `--revoke` in another process counts at the next run.
 */
export class RepoTrust {
  readonly requests: RepoRequests;
  readonly sha256: string;
  /** The answer given in this process when there is no trust file to keep it in. */
  private session: TrustEntry | undefined;

  constructor(readonly repoRoot: string, private readonly team: Pick<TeamConfig, 'check' | 'commands'>, private readonly user: UserCommands, private readonly store: TrustStore) {
    this.requests = repoRequestsOf(team);
    this.sha256 = requestsDigest(this.requests);
  }

  async status(): Promise<RepoTrustStatus> {
    const ownCheck = this.user.checkCommand?.trim() || undefined;
    const base = { repoRoot: this.repoRoot, file: requestsFile, requests: this.requests, sha256: this.sha256, trustFile: this.store.path, ...(ownCheck ? { ownCheck } : {}) };
    if (!hasRequests(this.requests)) return { ...base, state: 'none', unused: { commands: [] } };
    const entry = this.store.path === undefined ? this.session : await this.store.find(this.repoRoot, this.sha256);
    const state = entry?.decision ?? 'undecided';
    return { ...base, state, at: entry?.at, unused: grantRequests(this.team, this.user, state === 'trusted').unused };
  }

  /** Records the user's answer about the content loaded now; `remembered` is false when it lasts this process only. */
  async decide(decision: TrustDecision): Promise<{ remembered: boolean }> {
    const entry: TrustEntry = {
      sha256: this.sha256, decision, at: new Date().toISOString(),
      requests: { ...(this.requests.check !== undefined ? { check: this.requests.check } : {}), commands: [...this.requests.commands], ...(this.requests.network ? { network: [...this.requests.network] } : {}) },
    };
    this.session = entry;
    return { remembered: await this.store.record(this.repoRoot, entry) };
  }
}
