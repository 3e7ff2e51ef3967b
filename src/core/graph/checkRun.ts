import { commandEnv } from '../agents/tools/commandEnv';
import { runProcess } from '../agents/tools/runProcess';
import { BatonError } from '../errors';

export interface CheckSettings {
  /** The project's check, e.g. `npm test` or `tsc --noEmit` (agents.yaml check.command, or the engine's checkCommand). */
  command: string;
  timeoutMs: number;
  /** Rounds in which an agent whose branch breaks the check is asked to fix it. */
  fixRounds: number;
}

export interface CheckOutcome {
  ok: boolean;
  /** How it ended and the end of its output, short enough for an event and a prompt. */
  detail: string;
}

/**
 * Runs the project's check in a worktree the way an agent's command runs: through the shell, in
 * its own process group, with no input, no secrets in its environment and a time limit. The user
 * configured the command, but the branch it runs on was written by agents.
 */
export async function runCheck(check: CheckSettings, cwd: string, signal: AbortSignal): Promise<CheckOutcome> {
  const outcome = await runProcess(check.command, { cwd, env: commandEnv(process.env), timeoutMs: check.timeoutMs, maxOutputBytes: 4_000, signal });
  const output = outcome.output.trim().slice(-1_500) || '(no output)';
  switch (outcome.end) {
    case 'cancelled':
      throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
    case 'failed-to-start':
      return { ok: false, detail: `\`${check.command}\` could not be started: ${outcome.error ?? 'unknown error'}` };
    case 'timeout':
      return { ok: false, detail: `\`${check.command}\` did not finish within ${check.timeoutMs / 1000} s. Output so far:\n${output}` };
    case 'exited':
      if (outcome.exitCode === 0) return { ok: true, detail: `\`${check.command}\` passed` };
      return { ok: false, detail: `\`${check.command}\` ${outcome.exitCode === null ? `was ended by signal ${outcome.exitSignal ?? '?'}` : `exited with code ${outcome.exitCode}`}:\n${output}` };
  }
}
