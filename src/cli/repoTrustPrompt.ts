import { createInterface } from 'node:readline/promises';
import { hasRequests } from '../core/config/repoRequests';
import type { TrustDecision } from '../core/config/trustStore';
import type { RepoTrust, RepoTrustStatus } from '../core/repoTrust';
import type { CliIo } from './program';
import { canAsk } from './prompt';
import type { Terminal } from './prompt';
import type { Flags } from './settings';

const quoted = (c: string) => `\`${c}\``;

/** What a repository's team file requests, one line each, as `baton trust` and the prompt before a run show it. */
export function requestLines(s: RepoTrustStatus): string[] {
  const r = s.requests;
  return [
    `${s.repoRoot}/${s.file} asks Baton`,
    ...(r.check !== undefined ? [`  to run ${quoted(r.check)} as its check, on the agents' merged work${s.ownCheck ? ` (not while your own check ${quoted(s.ownCheck)} is set: yours wins)` : ''}`] : []),
    ...(r.commands.length ? [`  to let agents run without asking: ${r.commands.map(quoted).join(', ')}`] : []),
  ];
}

/** Where an answer is, or would be, kept. */
export function rememberedWhere(s: RepoTrustStatus): string {
  return s.trustFile ? `kept in ${s.trustFile}, for this content only (sha256 ${s.sha256.slice(0, 12)})` : 'not kept: there is no home folder (HOME or XDG_CONFIG_HOME) to keep it in';
}

/**
 * Asks once about content the user never answered for: trust it, run with their own settings only, or not start.
 * Undefined: no answer (end of input), which decides nothing.
 */
export async function askTrust(t: Terminal, s: RepoTrustStatus): Promise<TrustDecision | 'cancel' | undefined> {
  const rl = createInterface({ input: t.input, output: t.output });
  try {
    t.output.write(`\n${requestLines(s).join('\n')}\nThese commands would run on this machine with your permissions. Your answer is ${rememberedWhere(s)}.\n`);
    for (;;) {
      const answer = (await rl.question('Trust it? [y]es / [n]o, run with my own settings only / [c]ancel: ')).trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return 'trusted';
      if (answer === 'n' || answer === 'no') return 'declined';
      if (answer === 'c' || answer === 'cancel') return 'cancel';
    }
  } catch {
    return undefined;
  } finally {
    rl.close();
  }
}

/**
 * Before a run: `--trust-repo-config` trusts what the repository requests now; in a terminal, content never
 * answered for is asked about once; otherwise the run goes on with the user's own settings (the workflow's
 * `config.ignored` event says what was left out and how to trust it). False: the user chose not to start.
 */
export async function settleRepoTrust(trust: RepoTrust, flags: Flags, io: CliIo, terminal: Terminal): Promise<boolean> {
  const status = await trust.status();
  if (status.state === 'none') return true;
  if (flags['trust-repo-config'] === true) {
    if (status.state !== 'trusted') {
      await trust.decide('trusted');
      io.stderr.write(`baton: trusted what ${status.file} requests (--trust-repo-config); ${rememberedWhere(status)}.\n`);
    }
    return true;
  }
  if (status.state !== 'undecided' || !hasRequests(status.unused) || flags.json || !canAsk(terminal)) return true;
  const answer = await askTrust(terminal, status);
  if (answer === 'cancel') return false;
  if (answer) await trust.decide(answer);
  return true;
}
