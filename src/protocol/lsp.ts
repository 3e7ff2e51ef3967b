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
