import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isGitSegment } from './confine';

export interface TreeEntry {
  /** Relative to the walk's root, with `/` separators: what the model passes back to other tools. */
  readonly path: string;
  readonly kind: 'folder' | 'file' | 'symlink' | 'other';
  /** A folder that is listed but not entered (node_modules): it would drown everything else. */
  readonly pruned: boolean;
}

const prunedFolders = new Set(['node_modules']);

/**
 * Depth first, each folder's entries in code-unit order (not locale order), so the same tree always lists the
 * same way. `.git` is never shown and symlinks are never followed: both could lead out of the worktree.
 */
export async function* walkTree(root: string, start: string, signal: AbortSignal): AsyncGenerator<TreeEntry> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, start), { withFileTypes: true });
  } catch {
    return; // an unreadable folder is skipped rather than failing the whole listing
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (signal.aborted) return;
    if (isGitSegment(entry.name)) continue;
    const path = start === '' ? entry.name : `${start}/${entry.name}`;
    const kind = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : entry.isSymbolicLink() ? 'symlink' : 'other';
    const pruned = kind === 'folder' && prunedFolders.has(entry.name);
    yield { path, kind, pruned };
    if (kind === 'folder' && !pruned) yield* walkTree(root, path, signal);
  }
}
