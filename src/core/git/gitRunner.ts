import { execFile } from 'node:child_process';
import { BatonError } from '../errors';

export interface GitRun {
  cwd: string;
  signal?: AbortSignal;
  /** Every git call has a time limit: a hung git (a lock, a credential prompt) must not hang an agent. */
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `diff --quiet`). */
  okCodes?: readonly number[];
}

// Commits made by agents carry Baton's identity, never the user's (passed as `-c`, so the user's
// configuration is neither needed nor changed). No prompt may ever wait for a person.
const baseArgs = ['-c', 'user.name=Baton agent', '-c', 'user.email=agents@baton.invalid', '-c', 'core.quotepath=off'];
const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

/**
 * Runs git and returns its output. Baton calls git directly rather than through simple-git: simple-git
 * waits 50 ms after every command that prints nothing (add, commit, reset, worktree...), which the
 * engine benchmark measured at a quarter of a task's git time (docs/decisions/0008).
 */
export function runGit(args: readonly string[], run: GitRun): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    execFile('git', [...baseArgs, ...args], { cwd: run.cwd, env, signal: run.signal, timeout: run.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, code: 0 });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (typeof e.code === 'number' && run.okCodes?.includes(e.code)) return resolve({ stdout, code: e.code });
      if (run.signal?.aborted) return reject(new BatonError('The workflow was cancelled.', undefined, 'cancelled'));
      if (e.code === 'ENOENT') return reject(new BatonError('git was not found on the PATH.', 'Install git 2.38 or newer.', 'git'));
      if (e.killed) return reject(new BatonError(`git ${args[0]} did not finish within ${(run.timeoutMs ?? 120_000) / 1000} s in ${run.cwd}.`, 'Look for a stuck git process or a leftover .lock file there.', 'git'));
      reject(new BatonError(`git ${args.join(' ').slice(0, 200)} failed in ${run.cwd}: ${stderr.trim().split('\n')[0] ?? e.message}`, undefined, 'git'));
    });
  });
}

export async function gitOut(args: readonly string[], run: GitRun): Promise<string> {
  return (await runGit(args, run)).stdout.trim();
}

/**
 * Runs a short sh script of git commands (arguments as "$1", "$2"... never spliced into the text),
 * with the same identity, environment and limits as runGit. For sequences on a hot path.
 */
export function runShell(script: string, args: readonly string[], run: GitRun): Promise<{ stdout: string; code: number }> {
  const identity = 'git() { command git -c "user.name=Baton agent" -c "user.email=agents@baton.invalid" -c core.quotepath=off "$@"; }';
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', `${identity}\n${script}`, 'sh', ...args], { cwd: run.cwd, env, signal: run.signal, timeout: run.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, code: 0 });
      const e = error as NodeJS.ErrnoException & { code?: number | string };
      if (typeof e.code === 'number' && run.okCodes?.includes(e.code)) return resolve({ stdout, code: e.code });
      if (run.signal?.aborted) return reject(new BatonError('The workflow was cancelled.', undefined, 'cancelled'));
      reject(new BatonError(`git failed in ${run.cwd}: ${stderr.trim().split('\n')[0] ?? e.message}`, undefined, 'git'));
    });
  });
}
