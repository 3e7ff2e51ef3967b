import type { FileConflict } from './conflicts';
import { runGit, runShell } from './gitRunner';
import { parseDiffHunks, parseNulList } from './mergeTreeParse';

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

// The merges are made in git's object store, without a working tree: `merge-tree --write-tree` per
// branch onto the result so far, `commit-tree` for each merge commit, all in one shell so the
// engine starts one process. This runs at the end of the workflow, on its critical path, so each
// process a branch costs counts: every tip is looked up by one `cat-file --batch-check`, and one
// `merge-base --independent` finds the tips that no other tip and not the base contains (usually
// all): those cannot be in the result already, and only the others are asked `--is-ancestor`. The
// shell cuts text itself rather than through pipes. Lines out: "M <branch>" merged, "S <branch>"
// nothing new (its tip is already in, or there is no such branch), "R <branch>" refused followed by
// "F <file>" lines, and "H <sha>" the final head.
const mergeScript = `
base=$1; shift; head=$base; nl='
'
if [ $# -gt 0 ]; then tips=$(printf '%s^{commit}\\n' "$@" | git cat-file --batch-check='%(objectname)') || exit 2; fi
all=$tips; found=; indep=; seen=
for b in "$@"; do t=\${all%%"$nl"*}; all=\${all#*"$nl"}; case $t in *' '*|'') ;; *) found="$found $t";; esac; done
[ -n "$found" ] && indep=$(git merge-base --independent "$base" $found 2>/dev/null)
for b in "$@"; do
  tip=\${tips%%"$nl"*}; tips=\${tips#*"$nl"}
  case $tip in *' '*|'') echo "S $b"; continue;; esac
  case "$nl$indep$nl" in *"$nl$tip$nl"*) alone=1;; *) alone=;; esac
  case " $seen " in *" $tip "*) alone=;; esac
  [ "$tip" = "$base" ] && alone=
  seen="$seen $tip"
  if [ -z "$alone" ] && git merge-base --is-ancestor "$tip" "$head"; then echo "S $b"; continue; fi
  out=$(git merge-tree --write-tree --name-only --no-messages "$head" "$tip"); code=$?
  if [ $code -eq 0 ]; then
    head=$(git commit-tree "\${out%%"$nl"*}" -p "$head" -p "$tip" -m "Integrate $b") || exit 2
    echo "M $b"
  elif [ $code -eq 1 ]; then
    echo "R $b"; printf '%s\\n' "$out" | tail -n +2 | sed 's/^/F /'
  else exit 2; fi
done
echo "H $head"`;

/**
 * Merges `branches` one after another onto `base`, in git's object store (no checkout), and
 * returns the resulting head. A branch that conflicts with what is already merged is left out and
 * reported; branches with nothing of their own since the base are skipped. Nothing is written to a
 * ref or a working tree here: the caller moves the integration branch.
 */
export async function mergeBranches(repoDir: string, base: string, branches: readonly string[], signal?: AbortSignal): Promise<IntegrationMerge> {
  const sorted = [...branches].sort();
  const out = await runShell(mergeScript, [base, ...sorted], { cwd: repoDir, signal });
  const merged: string[] = [];
  const refused: MergeRefusal[] = [];
  let head = base;
  for (const line of out.stdout.split('\n').filter(Boolean)) {
    const [kind, rest = ''] = [line.slice(0, 1), line.slice(2)];
    if (kind === 'M') merged.push(rest);
    else if (kind === 'R') refused.push({ branch: rest, with: [], files: [] });
    else if (kind === 'F') refused.at(-1)?.files.push(rest);
    else if (kind === 'H') head = rest;
  }
  for (const r of refused) {
    // The other side: merged branches that change the same files (one diff each, on this rare path).
    const others: string[] = [];
    for (const m of merged) if ((await changedFiles(repoDir, base, m, signal)).some((f) => r.files.includes(f))) others.push(m);
    if (!r.files.length) r.files.push(...(await changedFiles(repoDir, base, r.branch, signal)));
    r.with = others.length ? others : [...merged];
  }
  return { head, merged, refused };
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
