import { z } from 'zod';
import { commandEnv } from './commandEnv';
import { runProcess } from './runProcess';
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
    'character for character; any other command waits for a person, who may refuse it. It gets no input, no API ' +
    'keys or tokens, and a time limit; anything it leaves running is stopped when it ends, so do not start servers.',
  schema: runCommandSchema,
  aliases: { command: ['cmd', 'shell', 'shell_command', 'command_line', 'cmdline'] },
  changes: true,
  async run(args, ctx) {
    // Surrounding whitespace means nothing to the shell; everything else must match exactly.
    const command = args.command.trim();
    if (command === '') return failed('`command` is empty: give the command to run, e.g. "npm test"');
    const permission = await mayRun(command, ctx);
    if (permission !== true) return permission;
    const outcome = await runProcess(command, {
      cwd: ctx.root,
      env: commandEnv(process.env),
      timeoutMs: ctx.limits.commandTimeoutMs,
      maxOutputBytes: ctx.limits.maxOutputBytes,
      signal: ctx.signal,
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

/** True, or the refusal to return. Only an exact match runs unasked: a prefix or pattern would let `npm test; rm -rf ~` through. */
async function mayRun(command: string, ctx: ToolContext): Promise<true | ToolResult> {
  if (ctx.allowCommands.some((allowed) => allowed.trim() === command)) return true;
  const shown = JSON.stringify(command);
  if (!ctx.approveCommand) {
    const allowed = ctx.allowCommands.length === 0 ? 'none are' : ctx.allowCommands.map((c) => JSON.stringify(c)).join(', ');
    return refuseCommand(
      ctx,
      command,
      `${shown} is not an allowed command (allowed: ${allowed}) and no one is here to approve it: ` +
        'use an allowed command exactly as written, or say in finish which command should be allowed',
    );
  }
  const approved = await untilAborted(ctx.approveCommand(command), ctx.signal);
  if (approved === 'aborted') return failed('cancelled');
  if (!approved) {
    const reason = `a person declined to run ${shown}: do not ask again; find another way, or explain in finish why it is needed`;
    return refuseCommand(ctx, command, reason);
  }
  return true;
}

/** A person may take an hour to answer; a cancelled agent must not wait for them. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
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
