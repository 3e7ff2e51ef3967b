import type { FileConflict } from './conflicts';
import { gitOut, runGit } from './gitRunner';
import type { GitRun } from './gitRunner';
import { parseDiffHunks, parseNulList } from './mergeTreeParse';
import type { Workspace } from './workspaces';

/** A branch that could not be merged into the integration branch: the files git could not merge. */
export interface MergeRefusal {
  branch: string;
  /** Branches already merged that change the same files: the other side of the conflict. */
  with: string[];
  files: string[];
}

export interface IntegrationMerge {
  /** The integration branch head after the merges (the base when nothing merged). */
  head: string;
  merged: string[];
  refused: MergeRefusal[];
}

/**
 * Merges `branches` one by one into the integration worktree (reset to the base beforehand, see
 * AgentWorkspaces.integrationWorkspace). A branch that conflicts with what is already merged is
 * left out and reported; the merge is aborted, never left half-done. Branches with no commit of
 * their own are skipped: there is nothing of theirs to integrate.
 */
export async function mergeBranches(ws: Workspace, base: string, branches: readonly string[], signal?: AbortSignal): Promise<IntegrationMerge> {
  const run: GitRun = { cwd: ws.path, signal };
  const merged: string[] = [];
  const refused: MergeRefusal[] = [];
  const changed = new Map<string, string[]>();
  for (const branch of [...branches].sort()) {
    const files = await changedFiles(ws.path, base, branch, signal);
    if (!files.length && (await gitOut(['rev-parse', branch], run)) === base) continue;
    changed.set(branch, files);
    const r = await runGit(['merge', '--no-ff', '--no-edit', '--quiet', '--no-verify', '-m', `Integrate ${branch}`, branch], { ...run, okCodes: [1, 2] });
    if (r.code === 0) {
      merged.push(branch);
      continue;
    }
    const unmerged = parseNulList((await runGit(['diff', '-z', '--name-only', '--diff-filter=U'], run)).stdout);
    await runGit(['merge', '--abort'], { ...run, okCodes: [128] });
    await runGit(['reset', '--hard', '--quiet', 'HEAD'], run);
    const conflicted = unmerged.length ? unmerged : files;
    const others = merged.filter((m) => (changed.get(m) ?? []).some((f) => conflicted.includes(f)));
    refused.push({ branch, with: others.length ? others : [...merged], files: conflicted });
  }
  return { head: await gitOut(['rev-parse', 'HEAD'], run), merged, refused };
}

/** The files a branch changes since the base, repository-relative. */
export async function changedFiles(repoDir: string, base: string, branch: string, signal?: AbortSignal): Promise<string[]> {
  const out = await runGit(['diff', '-z', '--name-only', '--no-renames', '--no-ext-diff', base, branch], { cwd: repoDir, signal });
  return parseNulList(out.stdout);
}

/**
 * The lines each branch changes in each file (base coordinates), so an integration conflict is
 * shown in the editor on the lines concerned, like a predicted one. A file a branch does not
 * change gets no range from it.
 */
export async function fileRanges(repoDir: string, base: string, branches: readonly string[], files: readonly string[], signal?: AbortSignal): Promise<FileConflict[]> {
  const shown = files.slice(0, 20);
  const byFile = new Map<string, FileConflict>(shown.map((path) => [path, { path, ranges: [] }]));
  if (!shown.length) return [];
  for (const branch of branches) {
    const args = ['--literal-pathspecs', 'diff', '-U0', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', base, branch, '--', ...shown];
    const hunks = parseDiffHunks((await runGit(args, { cwd: repoDir, signal })).stdout);
    for (const [path, list] of hunks) for (const h of list) byFile.get(path)?.ranges.push({ startLine: Math.max(1, h.start), endLine: Math.max(1, h.end), branch });
  }
  return [...byFile.values()];
}
