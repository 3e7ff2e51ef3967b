import { BatonError } from '../errors';
import { runGit } from './gitRunner';
import type { GitRun } from './gitRunner';
import { intersects, meetingHunks, parseDiffHunks, parseMergeTree, parseNulList, touches } from './mergeTreeParse';
import type { Hunk } from './mergeTreeParse';

/** Base-file lines (1-based, inclusive) that one side changes; a pure insertion is its anchor line (see Hunk). */
export interface SideRange {
  startLine: number;
  endLine: number;
  branch: string;
}

export interface FileConflict {
  path: string;
  /** The ranges of both sides, each tagged with the ref it comes from, in the base file's coordinates. */
  ranges: SideRange[];
}

export interface PairPrediction {
  a: string;
  b: string;
  /** The commit both sides' ranges are measured against. */
  base: string;
  /** Files git could not merge. */
  textual: FileConflict[];
  /** Files that merge cleanly but where both sides change the same base lines (e.g. the same edit made twice). */
  overlap: FileConflict[];
}

export interface PredictOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The commits `a` and `b` stand for, read once by the caller. Every git call of the prediction then sees the
   * same two commits: by name, an agent's commit landing between the dry merge and the diffs made a clean merge
   * look like an overlap of different edits.
   */
  at?: readonly [string, string];
}

/**
 * Dry-runs the merge of `a` and `b` with `git merge-tree --write-tree`, which touches no working tree, index or ref
 * (it only adds objects). `base` defaults to `git merge-base a b`; git 2.39's merge-tree has no --merge-base, so a
 * given `base` only sets the coordinates of the ranges, the merge itself always uses git's own merge base.
 */
export async function predictConflicts(repoDir: string, a: string, b: string, base?: string, options: PredictOptions = {}): Promise<PairPrediction> {
  const run: GitRun = { cwd: repoDir, signal: options.signal, timeoutMs: options.timeoutMs };
  // Git is asked about the commits (when the caller read them); ranges and results keep the branches' names.
  const [commitA, commitB] = options.at ?? [a, b];
  const mergeBase = base ?? (await findMergeBase(commitA, commitB, run));
  const [merge, namesA, namesB] = await Promise.all([
    runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', commitA, commitB], { ...run, okCodes: [1] }),
    changedPaths(mergeBase, commitA, run),
    changedPaths(mergeBase, commitB, run),
  ]);
  const conflicted = new Set(merge.code === 1 ? parseMergeTree(merge.stdout).conflicted : []);
  const inB = new Set(namesB);
  const both = namesA.filter((p) => inB.has(p) && !conflicted.has(p));
  const candidates = [...conflicted, ...both];
  if (candidates.length === 0) return { a, b, base: mergeBase, textual: [], overlap: [] };

  const [hunksA, hunksB] = await Promise.all([diffHunks(mergeBase, commitA, candidates, run), diffHunks(mergeBase, commitB, candidates, run)]);
  const textual: FileConflict[] = [];
  for (const path of conflicted) {
    const sideA = hunksA.get(path) ?? [];
    const sideB = hunksB.get(path) ?? [];
    const met = meetingHunks(sideA, sideB, touches);
    // Conflicts git finds without meeting hunks (modify/delete, add/add, binary, a diff aligned differently from
    // the merge's) still name the file; every change of each side is then the honest answer.
    const pick = met.a.length + met.b.length > 0 ? met : { a: sideA, b: sideB };
    textual.push({ path, ranges: [...tag(pick.a, a), ...tag(pick.b, b)] });
  }
  const overlap: FileConflict[] = [];
  for (const path of both) {
    const met = meetingHunks(hunksA.get(path) ?? [], hunksB.get(path) ?? [], intersects);
    if (met.a.length > 0) overlap.push({ path, ranges: [...tag(met.a, a), ...tag(met.b, b)] });
  }
  return { a, b, base: mergeBase, textual, overlap };
}

async function findMergeBase(a: string, b: string, run: GitRun): Promise<string> {
  const { stdout, code } = await runGit(['merge-base', a, b], { ...run, okCodes: [1] });
  const sha = stdout.trim();
  if (code === 1 || sha === '') {
    throw new BatonError(`${a} and ${b} share no history, so Baton cannot predict how they merge.`, 'Create agent branches from the workflow\'s base branch.', 'git');
  }
  return sha;
}

async function changedPaths(from: string, to: string, run: GitRun): Promise<string[]> {
  const { stdout } = await runGit(['diff', '-z', '--name-only', '--no-renames', '--no-ext-diff', from, to], run);
  return parseNulList(stdout);
}

async function diffHunks(from: string, to: string, paths: readonly string[], run: GitRun): Promise<Map<string, Hunk[]>> {
  // Explicit prefixes and no textconv/external diff: the parser must not depend on the user's diff settings.
  const args = ['--literal-pathspecs', 'diff', '-U0', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', from, to, '--', ...paths];
  return parseDiffHunks((await runGit(args, run)).stdout);
}

function tag(hunks: readonly Hunk[], branch: string): SideRange[] {
  return hunks.map((h) => ({ startLine: h.start, endLine: h.end, branch }));
}
