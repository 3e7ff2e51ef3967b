import { createHash } from 'node:crypto';
import type { TeamConfig } from './teamSchema';

// What a repository's `.baton/agents.yaml` may only ask for: what runs on the user's machine with the user's
// permissions. The rest of the file (agents, prompts, routing, limits) it simply sets (docs/decisions/0026).
// A new kind of request (the sandbox's network hosts, MCP servers) joins RepoRequests and `canonical` below;
// an empty one is left out, so content that does not use it keeps its digest and its user's answer.

export interface RepoRequests {
  /** `check.command`: the project's check, run on the agents' merged work. */
  readonly check?: string;
  /** `commands.allow`: commands agents may run without asking; sorted, without duplicates. */
  readonly commands: readonly string[];
  /** `sandbox.network`: hosts agents' commands may reach through Baton's proxy (decision 0023); sorted. */
  readonly network?: readonly string[];
}

/** Where a repository's requests come from, relative to its root. */
export const requestsFile = '.baton/agents.yaml';

export function repoRequestsOf(team: Pick<TeamConfig, 'check' | 'commands' | 'sandbox'>): RepoRequests {
  const commands = [...new Set((team.commands?.allow ?? []).map((c) => c.trim()))].sort();
  const network = [...new Set((team.sandbox?.network ?? []).map((h) => h.trim().toLowerCase()))].sort();
  return { ...(team.check ? { check: team.check.command.trim() } : {}), commands, ...(network.length ? { network } : {}) };
}

export function hasRequests(r: RepoRequests): boolean {
  return r.check !== undefined || r.commands.length > 0 || (r.network?.length ?? 0) > 0;
}

/** The requests as JSON with sorted keys, empty kinds left out: what the user's answer is about. */
function canonical(r: RepoRequests): string {
  const fields: Record<string, unknown> = {};
  if (r.check !== undefined) fields.check = r.check;
  if (r.commands.length) fields.commands = [...r.commands].sort();
  if (r.network?.length) fields.network = [...r.network].sort();
  return JSON.stringify(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * sha256 of the canonical requests: reformatting the YAML, comments or another order of the allow-list keep it;
 * any change to a command makes new content, asked about again.
 */
export function requestsDigest(r: RepoRequests): string {
  return createHash('sha256').update(canonical(r)).digest('hex');
}

const quoted = (c: string) => `\`${c}\``;

/** "to run `npm test` as its check, and to let agents run `make` without asking", for prompts and notices. */
export function describeRequests(r: RepoRequests): string {
  return [
    ...(r.check !== undefined ? [`to run ${quoted(r.check)} as its check`] : []),
    ...(r.commands.length ? [`to let agents run ${r.commands.map(quoted).join(', ')} without asking`] : []),
    ...(r.network?.length ? [`to let their commands reach ${r.network.join(', ')}`] : []),
  ].join(', and ');
}
