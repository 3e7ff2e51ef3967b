import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import { diagnosticSource } from '../protocol/lsp';
import type { ConflictDiagnosticData, ConflictKind, ConflictsParams, FileConflict } from '../protocol/lsp';

const severity: Record<ConflictKind, DiagnosticSeverity> = {
  textual: DiagnosticSeverity.Error,
  overlap: DiagnosticSeverity.Warning,
  semantic: DiagnosticSeverity.Information,
};

export function fileUri(rootUri: string, path: string): string {
  return `${rootUri.replace(/\/$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** One diagnostic per side of a conflict, at that side's lines, so each agent's edit is marked. */
export function toDiagnostics(conflict: FileConflict, workflowId = ''): Diagnostic[] {
  return conflict.sides.map((side) => ({
    range: {
      start: { line: Math.max(0, side.range.start - 1), character: 0 },
      // Through the end of the last line: LSP ranges end exclusive, so the next line's start.
      end: { line: Math.max(0, side.range.end), character: 0 },
    },
    severity: severity[conflict.kind],
    source: diagnosticSource,
    code: `${conflict.kind}-conflict`,
    message: `${conflict.message} (${side.agentId} on ${side.branch})`,
    data: { workflowId, conflictId: conflict.id, agentId: side.agentId } satisfies ConflictDiagnosticData,
  }));
}

/**
 * Keeps every workflow's conflicts and answers, after an update, the full diagnostics of each file
 * that changed, including an empty list for files whose conflicts cleared.
 */
export class ConflictBook {
  private readonly byWorkflow = new Map<string, ConflictsParams>();

  update(params: ConflictsParams): Map<string, Diagnostic[]> {
    const before = this.byWorkflow.get(params.workflowId);
    if (params.conflicts.length) this.byWorkflow.set(params.workflowId, params);
    else this.byWorkflow.delete(params.workflowId);
    const touched = new Set<string>();
    for (const p of [before, params]) for (const c of p?.conflicts ?? []) touched.add(fileUri(p!.rootUri, c.path));
    const result = new Map<string, Diagnostic[]>([...touched].map((uri) => [uri, []]));
    for (const p of this.byWorkflow.values()) {
      for (const c of p.conflicts) {
        const uri = fileUri(p.rootUri, c.path);
        result.get(uri)?.push(...toDiagnostics(c, p.workflowId));
      }
    }
    return result;
  }

  /** A workflow's conflict in one file as last published, for the quick fixes of its diagnostics. */
  find(workflowId: string, conflictId: string, uri: string): FileConflict | undefined {
    const p = this.byWorkflow.get(workflowId);
    return p?.conflicts.find((c) => c.id === conflictId && fileUri(p.rootUri, c.path) === uri);
  }
}
