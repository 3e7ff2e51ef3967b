import { z } from 'zod';
import { runConfined } from '../../sandbox/runConfined';
import { sandboxStatus } from '../../sandbox/sandboxStatus';
import type { SandboxStatus } from '../../sandbox/sandboxStatus';
import { failed, refuseCommand } from './toolResults';
import type { AgentTool, ToolContext, ToolResult } from './toolTypes';

export const runCommandSchema = z.object({
  command: z
    .string()
    .min(1)
    .describe(
      'Shell command to run in your working folder, e.g. "npm test". It runs only if it is on the allowed list or a ' +
        'person approves it.',
    ),
});

export const runCommandTool: AgentTool<typeof runCommandSchema> = {
  name: 'run_command',
  description:
    'Run a shell command (/bin/sh) in your working folder and get its exit code and output (stdout and stderr ' +
    'together; only the end of long output). A command runs only if it matches one the user allowed exactly, ' +
    'character for character; any other command waits for a person, who may refuse it. It runs in a sandbox: it can ' +
    'write only in your working folder and /tmp, has no network unless the team allows named hosts, and gets no ' +
    'input, no API keys or tokens, and a time limit; anything it leaves running is stopped when it ends, so do not start servers.',
  schema: runCommandSchema,
  aliases: { command: ['cmd', 'shell', 'shell_command', 'command_line', 'cmdline'] },
  changes: true,
  async run(args, ctx) {
    // Surrounding whitespace means nothing to the shell; everything else must match exactly.
    const command = args.command.trim();
    if (command === '') return failed('`command` is empty: give the command to run, e.g. "npm test"');
    const status = await sandboxStatus(ctx.commands?.sandbox);
    const permission = await mayRun(command, ctx, status);
    if (permission !== true) return permission;
    const outcome = await runConfined(command, {
      cwd: ctx.root,
      timeoutMs: ctx.limits.commandTimeoutMs,
      maxOutputBytes: ctx.limits.maxOutputBytes,
      signal: ctx.signal,
      policy: ctx.commands,
      approvedUnsandboxed: !status.available, // mayRun asked a person: without a sandbox nothing runs unasked
    });
    const shown = JSON.stringify(command);
    const shownBytes = Buffer.byteLength(outcome.output);
    const cut = outcome.totalBytes > shownBytes ? `[output cut: the last ${shownBytes} of ${outcome.totalBytes} bytes]\n` : '';
    const output = cut + (outcome.output.trimEnd() || '(no output)');
    switch (outcome.end) {
      case 'cancelled':
        return failed(`cancelled: ${shown} was stopped because the agent was stopped`);
      case 'timeout':
        return failed(
          `${shown} did not finish within ${formatSeconds(ctx.limits.commandTimeoutMs)} (the command time limit) and was stopped. ` +
            `If it starts a server or watches files, run a command that ends on its own. Output so far:\n${output}`,
        );
      case 'failed-to-start':
        return failed(`${shown} could not be started: ${outcome.error ?? 'unknown error'}`);
      case 'exited':
        if (outcome.exitCode === 0) return { ok: true, output: `${output}\n[exit code 0]` };
        return failed(
          outcome.exitCode === null
            ? `${shown} was ended by signal ${outcome.exitSignal ?? 'unknown'}:\n${output}`
            : `${shown} exited with code ${outcome.exitCode}:\n${output}`,
        );
    }
  },
};

/**
 * True, or the refusal to return. Only an exact match runs unasked: a prefix or pattern would let `npm test; rm -rf ~`
 * through; and only in a sandbox: an allowed `npm test` runs whatever the agent made of package.json.
 */
async function mayRun(command: string, ctx: ToolContext, sandbox: SandboxStatus): Promise<true | ToolResult> {
  const shown = JSON.stringify(command);
  if (!sandbox.available) {
    const why = `${sandbox.problem} Without one, ${shown} could read and change everything your user account can.`;
    if (!ctx.approveCommand) {
      return refuseCommand(ctx, command, `${shown} needs a person's approval and no one is here to give it: ${sandbox.problem} ${sandbox.fix}`);
    }
    return asked(command, ctx, ctx.approveCommand(command, why));
  }
  if (ctx.allowCommands.some((allowed) => allowed.trim() === command)) return true;
  if (!ctx.approveCommand) {
    const allowed = ctx.allowCommands.length === 0 ? 'none are' : ctx.allowCommands.map((c) => JSON.stringify(c)).join(', ');
    return refuseCommand(
      ctx,
      command,
      `${shown} is not an allowed command (allowed: ${allowed}) and no one is here to approve it: ` +
        'use an allowed command exactly as written, or say in finish which command should be allowed',
    );
  }
  return asked(command, ctx, ctx.approveCommand(command));
}

async function asked(command: string, ctx: ToolContext, answer: Promise<boolean>): Promise<true | ToolResult> {
  const shown = JSON.stringify(command);
  const approved = await untilAborted(answer, ctx.signal);
  if (approved === 'aborted') return failed('cancelled');
  if (!approved) {
    const reason = `a person declined to run ${shown}: do not ask again; find another way, or explain in finish why it is needed`;
    return refuseCommand(ctx, command, reason);
  }
  return true;
}

/** A person may take an hour to answer; a cancelled agent must not wait for them. */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
  let onAbort = () => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
