// Custom messages between the extension (language client) and Baton's language server. The
// extension forwards the engine's conflict predictions; the server turns them into diagnostics.

export type ConflictKind = 'textual' | 'overlap' | 'semantic';

/** A line range in the base file's coordinates, 1-based and inclusive (as git reports hunks). */
export interface LineRange {
  start: number;
  end: number;
}

export interface ConflictSide {
  agentId: string;
  branch: string;
  range: LineRange;
}

export interface FileConflict {
  id: string;
  kind: ConflictKind;
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  sides: ConflictSide[];
  message: string;
}

export interface ConflictsParams {
  workflowId: string;
  /** file:// URI of the repository root the paths are relative to. */
  rootUri: string;
  /** The complete current set for this workflow: conflicts missing from it are resolved. */
  conflicts: FileConflict[];
}

export const conflictsNotification = 'baton/conflicts';
export const diagnosticSource = 'Baton';

/** What a Baton diagnostic carries, so a code action can name its conflict. */
export interface ConflictDiagnosticData {
  workflowId: string;
  conflictId: string;
  agentId: string;
}

/**
 * Commands the server's quick fixes run in the extension (registered in activate(), not in the
 * palette). Arguments cross as JSON: the extension checks them with the guards below.
 */
export const conflictCommands = {
  compare: 'baton.conflict.compare',
  takeSide: 'baton.conflict.takeSide',
  askToResolve: 'baton.conflict.askToResolve',
} as const;

/** Opens a diff of two agents' versions of a file. */
export interface CompareArgs {
  workflowId: string;
  path: string;
  agents: [string, string];
}

/** Keeps `keep`'s version of `path`: `undo`'s change to it is undone on `undo`'s branch. */
export interface TakeSideArgs {
  workflowId: string;
  path: string;
  keep: string;
  undo: string;
}

/** Asks `agent` to merge `other`'s branch (an agent's, or `integration`) into its own and resolve `path`. */
export interface AskToResolveArgs {
  workflowId: string;
  path: string;
  agent: string;
  other: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function isCompareArgs(v: unknown): v is CompareArgs {
  const a = v as Partial<CompareArgs> | null;
  return typeof a === 'object' && a !== null && isString(a.workflowId) && isString(a.path) && Array.isArray(a.agents) && a.agents.length === 2 && a.agents.every(isString);
}

export function isTakeSideArgs(v: unknown): v is TakeSideArgs {
  const a = v as Partial<TakeSideArgs> | null;
  return typeof a === 'object' && a !== null && isString(a.workflowId) && isString(a.path) && isString(a.keep) && isString(a.undo);
}

export function isAskToResolveArgs(v: unknown): v is AskToResolveArgs {
  const a = v as Partial<AskToResolveArgs> | null;
  return typeof a === 'object' && a !== null && isString(a.workflowId) && isString(a.path) && isString(a.agent) && isString(a.other);
}
