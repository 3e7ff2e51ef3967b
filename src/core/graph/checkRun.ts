import { untilAborted } from '../agents/tools/runCommand';
import { BatonError } from '../errors';
import { runConfined } from '../sandbox/runConfined';
import type { CommandPolicy } from '../sandbox/runConfined';
import { sandboxStatus } from '../sandbox/sandboxStatus';

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
  /** It never ran (no sandbox, and no one approved running it without one): no agent's work is to blame. */
  notRun?: true;
}

/** What the check runs with: the agents' sandbox and, where there is none, a person to ask. */
export interface CheckRunner {
  commands?: CommandPolicy;
  approveCommand?: (command: string, agentId: string, taskId: string, why?: string) => Promise<boolean>;
}

/**
 * Runs the project's check in a worktree the way an agent's command runs: in the same sandbox, with no input, the
 * same environment allow-list and a time limit. The user configured the command, but the branch it runs on was
 * written by agents. Where there is no sandbox it runs only if a person says so; otherwise it is reported as not run,
 * never as passed.
 */
export async function runCheck(check: CheckSettings, cwd: string, signal: AbortSignal, runner: CheckRunner = {}): Promise<CheckOutcome> {
  const status = await sandboxStatus(runner.commands?.sandbox);
  if (!status.available) {
    const why = `${status.problem} Without one, the check runs the agents' code with everything your user account can reach.`;
    const answer = runner.approveCommand ? await untilAborted(runner.approveCommand(check.command, 'integration', 'check', why), signal) : false;
    if (answer === 'aborted') throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
    if (!answer) {
      const who = runner.approveCommand ? 'you declined to run it without one' : 'no one was there to approve running it without one';
      return { ok: false, notRun: true, detail: `\`${check.command}\` was not run: ${status.problem.replace(/\.$/, '')}, and ${who}. ${status.fix}` };
    }
  }
  const outcome = await runConfined(check.command, { cwd, timeoutMs: check.timeoutMs, maxOutputBytes: 4_000, signal, policy: runner.commands, approvedUnsandboxed: !status.available });
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
