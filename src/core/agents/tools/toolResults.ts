import type { AgentToolName } from '../../config/vocabulary';
import { errorCode, resolveInside } from './confine';
import type { ToolContext, ToolEvent, ToolResult } from './toolTypes';

// Shared ways for tools to answer: a refusal always emits its event, so no tool can refuse silently.

export function failed(error: string): ToolResult {
  return { ok: false, error };
}

function emit(ctx: ToolContext, event: ToolEvent): void {
  try {
    ctx.onEvent?.(event);
  } catch {
    // A broken listener must not turn a refusal into a crash: the refusal itself already protected the user.
  }
}

export function refusePath(ctx: ToolContext, tool: AgentToolName, path: string, reason: string): ToolResult {
  emit(ctx, { type: 'tool_refused', tool, kind: 'path', reason, path });
  return { ok: false, refused: true, error: `Refused: ${reason}.` };
}

export function refuseCommand(ctx: ToolContext, command: string, reason: string): ToolResult {
  emit(ctx, { type: 'tool_refused', tool: 'run_command', kind: 'command', reason, command });
  return { ok: false, refused: true, error: `Refused: ${reason}.` };
}

export type ConfinedPath =
  | { readonly ok: true; readonly absolute: string; readonly relative: string; readonly missing: number }
  | { readonly ok: false; readonly result: ToolResult };

/** Confines `path` to the agent's folder, or gives the refusal the tool should return (its event already sent). */
export async function confinePath(tool: AgentToolName, ctx: ToolContext, path: string): Promise<ConfinedPath> {
  const confined = await resolveInside(ctx.root, path);
  if (!confined.ok) return { ok: false, result: refusePath(ctx, tool, path, confined.reason) };
  return confined;
}

/** A file-system error as the model should read it: which path, what went wrong, what to try instead. */
export function fsErrorMessage(error: unknown, path: string): string {
  const shown = JSON.stringify(path);
  switch (errorCode(error)) {
    case 'ENOENT':
      return `${shown} does not exist: use list_files to see what is there`;
    case 'EISDIR':
      return `${shown} is a folder: use list_files to see what is in it`;
    case 'ENOTDIR':
      return `part of ${shown} is a file, not a folder: use list_files to check the path`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied for ${shown}: the file is protected; leave it alone or report it with finish`;
    case 'ENAMETOOLONG':
      return `${shown} is too long a path: use a shorter name`;
    case 'ENOSPC':
      return 'the disk is full: stop and report it with finish';
    default:
      return `${shown} could not be used: ${describeError(error)}`;
  }
}

/** An error's message without a stack trace, for the model or the user. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'unknown error';
}
