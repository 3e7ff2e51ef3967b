import * as vscode from 'vscode';
import { parseRefUri } from './refUri';

export type ReadAtRef = (root: string, ref: string, path: string) => Promise<string | undefined>;

/**
 * Serves `baton-ref:` documents from git objects (src/core/git/refFiles.ts): read-only by nature,
 * since a content provider's documents cannot be saved, and nothing is written to the repository.
 */
export class RefContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly read: ReadAtRef) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const loc = parseRefUri(uri);
    if (!loc) throw new Error(`Baton cannot read ${uri.toString()}: open the changes again from "Baton: Show Changes".`);
    // A file the commit does not have (added or deleted on the other side) reads as empty.
    return (await this.read(loc.root, loc.ref, loc.path)) ?? '';
  }
}
