// Baton's language server: publishes the engine's conflict predictions as diagnostics on the
// user's files, with quick fixes. It runs in its own process, started by the extension when a workflow starts.
import { CodeActionKind, createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { conflictsNotification } from '../protocol/lsp';
import type { ConflictsParams } from '../protocol/lsp';
import { conflictActions } from './codeActions';
import { ConflictBook } from './diagnostics';

const connection = createConnection(ProposedFeatures.all);
const book = new ConflictBook();

connection.onInitialize(() => ({
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  serverInfo: { name: 'baton-conflicts' },
}));

connection.onNotification(conflictsNotification, (params: ConflictsParams) => {
  for (const [uri, diagnostics] of book.update(params)) {
    void connection.sendDiagnostics({ uri, diagnostics });
  }
});

connection.onCodeAction((params) => conflictActions(book, params));

connection.listen();
