import * as vscode from 'vscode';

/** Baton's read-only documents: a file as it is at one commit of the repository. */
export const refScheme = 'baton-ref';

export interface RefLocation {
  /** The repository's root folder. */
  root: string;
  /** A full commit id: the content of a URI never changes, so VS Code may cache it. */
  ref: string;
  /** Repository-relative, forward slashes. */
  path: string;
  workflowId: string;
  /** Whose version this is: an agent id, or `base` for the workflow's base commit. */
  owner: string;
}

/**
 * `baton-ref:/src/a.ts?...`: the path keeps the file's name and extension, so the editor shows the
 * right title and language; the rest rides in the query.
 */
export function refUri(loc: RefLocation): vscode.Uri {
  const query = new URLSearchParams({ root: loc.root, ref: loc.ref, wf: loc.workflowId, owner: loc.owner }).toString();
  return vscode.Uri.from({ scheme: refScheme, path: `/${loc.path}`, query });
}

export function parseRefUri(uri: vscode.Uri): RefLocation | undefined {
  if (uri.scheme !== refScheme) return undefined;
  const q = new URLSearchParams(uri.query);
  const [root, ref, workflowId, owner] = ['root', 'ref', 'wf', 'owner'].map((k) => q.get(k) ?? '');
  if (!root || !ref || !workflowId || !owner) return undefined;
  return { root, ref, path: uri.path.replace(/^\//, ''), workflowId, owner };
}

/** The title of an agent's changes editor; it names the workflow, which is how the editor is recognized again. */
export function changesTitle(agentId: string, workflowId: string): string {
  return `${agentId}'s changes (${workflowId})`;
}

/** The workflow of a changes editor's tab, whose label is the title and VS Code's count, e.g. "(2 files)". */
export function workflowOfChangesTitle(label: string): string | undefined {
  return /'s changes \((wf-[\w-]+)\)/.exec(label)?.[1];
}
