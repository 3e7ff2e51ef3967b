import { gitEnv } from '../childEnv';
import { BatonError } from '../errors';
import { driverKeys, driverOverrides, noRepoCodeArgs } from './noRepoCode';
import { processHost } from './processHost';
import type { ExecResult } from './processHost';

export interface GitRun {
  cwd: string;
  signal?: AbortSignal;
  /** Every git call has a time limit: a hung git (a lock, a credential prompt) must not hang an agent. */
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `diff --quiet`). */
  okCodes?: readonly number[];
}

// Commits made by agents carry Baton's identity, never the user's (passed as `-c`, so the user's
// configuration is neither needed nor changed). No prompt may ever wait for a person. Baton's commits
// and merges start no `git maintenance run --auto` (40% of a small commit's time, and a gc it may
// start would race the agents' git work): the user's own git commands still do (docs/decisions/0017).
// No hook, fsmonitor, signing program, filter or merge driver runs (docs/decisions/0024).
const baseArgs = ['-c', 'user.name=Baton agent', '-c', 'user.email=agents@baton.invalid', '-c', 'core.quotepath=off', '-c', 'maintenance.auto=false', ...noRepoCodeArgs];
const maxBuffer = 64 * 1024 * 1024;

/**
 * Runs git and returns its output. Baton calls git directly rather than through simple-git: simple-git
 * waits 50 ms after every command that prints nothing (add, commit, reset, worktree...), which the
 * engine benchmark measured at a quarter of a task's git time (docs/decisions/0008).
 */
export async function runGit(args: readonly string[], run: GitRun): Promise<{ stdout: string; code: number }> {
  const drivers = await driversOff(run);
  const result = await processHost.exec({ file: 'git', args: [...baseArgs, ...drivers, ...args], cwd: run.cwd, env: gitEnv(), signal: run.signal, timeoutMs: run.timeoutMs ?? 120_000, maxBuffer });
  return answer(result, run, `git ${args.join(' ').slice(0, 200)}`);
}

export async function gitOut(args: readonly string[], run: GitRun): Promise<string> {
  return (await runGit(args, run)).stdout.trim();
}

/**
 * Runs a short sh script of git commands (arguments as "$1", "$2"... never spliced into the text),
 * with the same identity, environment and limits as runGit. For sequences on a hot path.
 */
export async function runShell(script: string, args: readonly string[], run: GitRun): Promise<{ stdout: string; code: number }> {
  const drivers = await driversOff(run);
  const identity = `git() { command git ${[...baseArgs, ...drivers].map(shellQuote).join(' ')} "$@"; }`;
  const result = await processHost.exec({ file: '/bin/sh', args: ['-c', `${identity}\n${script}`, 'sh', ...args], cwd: run.cwd, env: gitEnv(), signal: run.signal, timeoutMs: run.timeoutMs ?? 120_000, maxBuffer });
  return answer(result, run, 'git');
}

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The filter and merge drivers of the config seen from `cwd`, each switched off, looked up once per folder and
 * minute (the first git call in a worktree costs one `git config` more): the config is the user's, but an agent
 * picks with .gitattributes which files a driver runs on, and a driver may name a script of the worktree.
 */
const drivers = new Map<string, { at: number; args: Promise<string[]> }>();

function driversOff(run: GitRun): Promise<string[]> {
  const now = Date.now();
  const known = drivers.get(run.cwd);
  if (known && now - known.at < 60_000) return known.args;
  if (drivers.size > 256) drivers.clear();
  const args = processHost.exec({ file: 'git', args: [...baseArgs, 'config', '-z', '--get-regexp', driverKeys], cwd: run.cwd, env: gitEnv(), signal: run.signal, timeoutMs: run.timeoutMs ?? 120_000, maxBuffer })
    .then((r) => driverOverrides(answer(r, { ...run, okCodes: [1] }, 'git config').stdout));
  drivers.set(run.cwd, { at: now, args });
  // A failed look-up is not kept: the next call asks again (and fails the same way if git does).
  args.catch(() => drivers.delete(run.cwd));
  return args;
}

/** Turns a finished process into output, an expected exit code, or an error that says what to do. */
function answer({ stdout, stderr, error }: ExecResult, run: GitRun, what: string): { stdout: string; code: number } {
  if (!error) return { stdout, code: 0 };
  if (typeof error.code === 'number' && run.okCodes?.includes(error.code)) return { stdout, code: error.code };
  if (run.signal?.aborted) throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
  if (error.code === 'ENOENT') throw new BatonError('git was not found on the PATH.', 'Install git 2.38 or newer.', 'git');
  if (error.killed) throw new BatonError(`${what.split(' ').slice(0, 2).join(' ')} did not finish within ${(run.timeoutMs ?? 120_000) / 1000} s in ${run.cwd}.`, 'Look for a stuck git process or a leftover .lock file there.', 'git');
  throw new BatonError(`${what} failed in ${run.cwd}: ${stderr.trim().split('\n')[0] || error.message}`, undefined, 'git');
}
