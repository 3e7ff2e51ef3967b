import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, CodeActionParams, Diagnostic } from 'vscode-languageserver';
import { conflictCommands, diagnosticSource } from '../protocol/lsp';
import type { AskToResolveArgs, CompareArgs, ConflictDiagnosticData, TakeSideArgs } from '../protocol/lsp';
import type { ConflictBook } from './diagnostics';

/** The integration branch is Baton's merge of everyone's work, not an agent: it has no side to take. */
const integration = 'integration';

function dataOf(d: Diagnostic): ConflictDiagnosticData | undefined {
  const data = d.data as Partial<ConflictDiagnosticData> | undefined;
  if (d.source !== diagnosticSource || typeof data?.workflowId !== 'string' || typeof data.conflictId !== 'string') return undefined;
  return { workflowId: data.workflowId, conflictId: data.conflictId, agentId: String(data.agentId ?? '') };
}

/**
 * The quick fixes of Baton's conflict diagnostics under the cursor: compare the two agents'
 * versions, ask either agent to resolve it (merging the other side into its branch), and for a
 * conflict between two agents (predicted textual or overlapping edits) keep either side. The work is done by the extension's commands; the server only offers them.
 */
export function conflictActions(book: ConflictBook, params: CodeActionParams): CodeAction[] {
  const actions = new Map<string, CodeAction>();
  const add = (title: string, command: string, args: CompareArgs | TakeSideArgs | AskToResolveArgs, diagnostic: Diagnostic, preferred = false) => {
    const existing = actions.get(title);
    if (existing) {
      existing.diagnostics?.push(diagnostic);
      return;
    }
    actions.set(title, { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, command: { title, command, arguments: [args] } });
  };
  for (const diagnostic of params.context.diagnostics) {
    const data = dataOf(diagnostic);
    const conflict = data && book.find(data.workflowId, data.conflictId, params.textDocument.uri);
    if (!data || !conflict) continue;
    const agents = [...new Set(conflict.sides.map((s) => s.agentId))].filter(Boolean);
    if (agents.length !== 2) continue;
    const [a, b] = agents as [string, string];
    const name = conflict.path.split('/').pop() ?? conflict.path;
    add(`Baton: open the comparison of ${a}'s and ${b}'s ${name}`, conflictCommands.compare, { workflowId: data.workflowId, path: conflict.path, agents: [a, b] }, diagnostic);
    // Any agent of the two can merge the other side (the integration included) and resolve it on its own branch.
    for (const [agent, other] of [[a, b], [b, a]] as const) {
      if (agent === integration) continue;
      const theirs = other === integration ? 'the integration branch' : `${other}'s branch`;
      add(`Baton: ask ${agent} to resolve (merge ${theirs} into its own and fix ${name})`, conflictCommands.askToResolve, { workflowId: data.workflowId, path: conflict.path, agent, other }, diagnostic);
    }
    if (conflict.kind === 'semantic' || agents.includes(integration)) continue;
    for (const [keep, undo] of [[a, b], [b, a]] as const) {
      add(`Baton: take ${keep}'s side (undo ${undo}'s change to ${name})`, conflictCommands.takeSide, { workflowId: data.workflowId, path: conflict.path, keep, undo }, diagnostic);
    }
  }
  return [...actions.values()];
}
