import { resolve } from 'node:path';
import { loadTeamConfig } from '../../core/config/loadTeam';
import { TrustStore } from '../../core/config/trustStore';
import { trustFilePath } from '../../core/config/userConfigDir';
import { findRepository } from '../../core/git/repository';
import { RepoTrust } from '../../core/repoTrust';
import type { RepoTrustStatus } from '../../core/repoTrust';
import { CliError, exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import { canAsk, confirm } from '../prompt';
import { rememberedWhere, requestLines } from '../repoTrustPrompt';
import { runFlags } from '../settings';
import type { Flags } from '../settings';
import { loadUserSettings } from '../userSettings';

const terminal = { input: process.stdin, output: process.stdout };

const describeState = (s: RepoTrustStatus): string => ({
  none: 'Nothing to trust: it requests no check and no commands.',
  undecided: 'Not trusted: runs use your own settings only. Trust it with: baton trust',
  declined: `Not trusted: you chose to run without it (${s.at}). Trust it with: baton trust`,
  trusted: `Trusted (${s.at}): runs use it.`,
})[s.state];

/**
 * `baton trust [--show | --revoke] [--yes]`: what the repository's `.baton/agents.yaml` requests (its check,
 * commands to allow), and the user's answer about that content, kept in their own settings area.
 */
export async function trustCommand(flags: Flags, io: CliIo): Promise<number> {
  if (flags.show && flags.revoke) throw new CliError('Choose --show or --revoke, not both.', exitCodes.usage);
  const { root } = await findRepository(resolve(io.cwd, typeof flags.repo === 'string' ? flags.repo : '.'));
  const store = new TrustStore(trustFilePath(io.env));
  if (flags.revoke) {
    const gone = await store.forget(root);
    io.stdout.write(gone.length
      ? `Forgot ${gone.length} answer(s) about ${root}: Baton asks again before using what its .baton/agents.yaml requests.\n`
      : `Nothing to forget: no answer about ${root} is kept${store.path ? ` in ${store.path}` : ''}.\n`);
    return exitCodes.completed;
  }
  const user = runFlags({}, io.env, (await loadUserSettings(io.env)).settings).settings;
  const trust = new RepoTrust(root, (await loadTeamConfig(root)).team, { checkCommand: user.checkCommand, allowCommands: user.allowCommands ?? [] }, store);
  const status = await trust.status();
  if (flags.show) {
    if (flags.json) io.stdout.write(`${JSON.stringify({ ...status, earlier: (await store.entries(root)).filter((e) => e.sha256 !== status.sha256) })}\n`);
    else io.stdout.write(`${[...(status.state === 'none' ? [`${root}/${status.file}`] : requestLines(status)), describeState(status)].join('\n')}\n`);
    return exitCodes.completed;
  }
  if (status.state === 'none') {
    io.stdout.write(`${root}/${status.file} requests no check and no commands: there is nothing to trust.\n`);
    return exitCodes.completed;
  }
  io.stdout.write(`${requestLines(status).join('\n')}\nThese commands would run on this machine with your permissions.\n`);
  if (!store.path) throw new CliError('There is no home folder (HOME or XDG_CONFIG_HOME) to keep the answer in: set one, or trust it for one run with baton run --trust-repo-config.', exitCodes.usage);
  if (!flags.yes) {
    if (!canAsk(terminal)) throw new CliError('There is no terminal to ask in: run baton trust --yes to trust what is shown above.', exitCodes.usage);
    if (!(await confirm(terminal, 'Trust it?'))) {
      await trust.decide('declined');
      io.stdout.write(`Not trusted: runs use your own settings only. Your answer is ${rememberedWhere(status)}.\n`);
      return exitCodes.completed;
    }
  }
  await trust.decide('trusted');
  io.stdout.write(`Trusted: runs use it. Your answer is ${rememberedWhere(status)}; a change to what it requests asks again. Forget it with: baton trust --revoke\n`);
  return exitCodes.completed;
}
