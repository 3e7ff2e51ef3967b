import type { z } from 'zod';
import type { AgentToolName } from '../../config/vocabulary';
import type { CommandPolicy } from '../../sandbox/runConfined';

// A tool abstraction of our own, not LangChain's: tools stay testable with plain objects, and the engine adapts
// them to whatever the model client wants (zod schemas work as they are with @langchain/core's `tool()`).

/**
 * What a tool reports back to the model. `error` is read by the model, so it says what to do next; `refused` marks
 * a request Baton would not carry out (a path outside the worktree, a command nobody allowed), as opposed to one
 * that was tried and failed.
 */
export type ToolResult =
  | { readonly ok: true; readonly output: string; readonly changedFiles?: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly refused?: boolean };

/** Something the user should see even though the model may shrug it off; mirrors the `agent.tool_refused` event. */
export interface ToolRefusedEvent {
  readonly type: 'tool_refused';
  readonly tool: AgentToolName;
  readonly kind: 'path' | 'command';
  readonly reason: string;
  readonly path?: string;
  readonly command?: string;
}

export type ToolEvent = ToolRefusedEvent;

export interface ToolLimits {
  /** read_file returns at most this many bytes of a file and says it cut the rest. */
  readonly maxReadBytes: number;
  /** Tool output (command output, listings, search results) is cut to this many bytes. */
  readonly maxOutputBytes: number;
  /** A command still running after this long is stopped; a search is stopped after at most this long too. */
  readonly commandTimeoutMs: number;
  /**
   * Any tool call still unanswered after this long is abandoned with a tool error (a hung file system);
   * above commandTimeoutMs, so a command's own timeout and kill come first.
   */
  readonly toolTimeoutMs: number;
}

// Sized for a model's context, not for the disk: 100 KB of code is ~25k tokens.
export const defaultToolLimits: ToolLimits = { maxReadBytes: 100_000, maxOutputBytes: 20_000, commandTimeoutMs: 300_000, toolTimeoutMs: 305_000 };

export interface ToolContext {
  /** Absolute path of the agent's working folder (its git worktree). Every path a tool gets is relative to it. */
  readonly root: string;
  /** Aborted when the workflow is cancelled or the agent is stopped: running commands are killed. */
  readonly signal: AbortSignal;
  /** Commands that run without asking, compared as exact strings (setting `baton.commands.allow`). */
  readonly allowCommands: readonly string[];
  /**
   * Asks a person whether a command may run: one that is not allowed, or any command where there is no sandbox
   * (`why` then says so). Absent: such commands are refused.
   */
  readonly approveCommand?: (command: string, why?: string) => Promise<boolean>;
  /** The sandbox, environment names and hosts of commands; absent: bubblewrap from PATH, no extra names, no network. */
  readonly commands?: CommandPolicy;
  readonly onEvent?: (event: ToolEvent) => void;
  readonly limits: ToolLimits;
}

export interface AgentTool<S extends z.ZodType = z.ZodType> {
  readonly name: AgentToolName;
  /** As the model sees it: what the tool does and its limits. */
  readonly description: string;
  /** Arguments as the model sees them; every field carries a description. */
  readonly schema: S;
  /**
   * Other names models give an argument (`file_path` for `path`), compared without case, `_` or `-`: taken as
   * the argument when that is the only reading (toolArguments.ts).
   */
  readonly aliases?: Readonly<Partial<Record<string, readonly string[]>>>;
  /**
   * The tool writes, runs or hands work over: an argument it does not know is refused (ignoring it could do the
   * wrong thing, or lose what the model meant to say), where a read-only tool ignores it and says so.
   */
  readonly changes?: boolean;
  // Method syntax on purpose: it lets a list of differently-typed tools be an `AgentTool[]`. Arguments always
  // come through runTool, which validates them against `schema` first.
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
}
