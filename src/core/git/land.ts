import { BatonError, errorMessage } from '../errors';
import { gitOut, runGit } from './gitRunner';
import type { GitRun } from './gitRunner';
import { parseMergeTree, parseNulList } from './mergeTreeParse';

/**
 * The result cannot land on the user's branch as things are; nothing was changed. The workflow
 * pauses (not fails): once the user did what the message says, `baton resume` tries again.
 */
export class MergeBlocked extends BatonError {
  constructor(message: string, fix: string) {
    super(message, fix, 'state');
    this.name = 'MergeBlocked';
  }
}

export interface LandRequest {
  /** The integrated result and the branch that holds it. */
  head: string;
  branch: string;
  workflowId: string;
  message: string;
}

export interface Landed {
  into: string;
  from: string;
  to: string;
  how: 'fast-forward' | 'merge' | 'up-to-date';
}

/**
 * Merges the integrated result into the user's current branch, in the user's working tree, only
 * when that is clean to do: a fast-forward or a merge without conflicts, touching no file the user
 * has uncommitted changes in (or an untracked file it would overwrite). Anything else is refused
 * with a MergeBlocked that names the files and what to do; git's own refusal is the last guard.
 */
export async function landOnUserBranch(repoDir: string, req: LandRequest): Promise<Landed> {
  const run: GitRun = { cwd: repoDir };
  const resume = `baton resume ${req.workflowId}`;
  const into = await gitOut(['symbolic-ref', '--quiet', '--short', 'HEAD'], { ...run, okCodes: [1] });
  if (!into) throw new MergeBlocked(`Your repository is on a detached HEAD, so there is no branch for the result of ${req.workflowId} to land on.`, `Check out the branch it should land on (e.g. git switch main), then run ${resume}.`);
  const from = await gitOut(['rev-parse', 'HEAD'], run);
  if (await isAncestor(repoDir, req.head, from)) return { into, from, to: from, how: 'up-to-date' };
  const fastForward = await isAncestor(repoDir, from, req.head);
  let changed: string[];
  if (fastForward) changed = parseNulList((await runGit(['diff', '-z', '--name-only', '--no-renames', from, req.head], run)).stdout);
  else {
    const dry = await runGit(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', from, req.head], { ...run, okCodes: [1] });
    const { tree, conflicted } = parseMergeTree(dry.stdout);
    if (dry.code === 1) {
      throw new MergeBlocked(`Your branch ${into} has commits that conflict with the agents' work (${req.branch}) in ${list(conflicted)}.`,
        `Merge it yourself (git merge ${req.branch}) and resolve the conflicts, then run ${resume}; or leave it with baton cancel ${req.workflowId}, which keeps the result on ${req.branch}.`);
    }
    changed = parseNulList((await runGit(['diff', '-z', '--name-only', '--no-renames', from, tree], run)).stdout);
  }
  const { modified, untracked, staged } = await localChanges(repoDir);
  const touched = new Set(changed);
  const clash = modified.filter((p) => touched.has(p));
  if (clash.length) throw new MergeBlocked(`You have uncommitted changes in ${list(clash)}, which the merge changes.`, `Commit or stash them, then run ${resume}.`);
  const overwritten = untracked.filter((p) => touched.has(p));
  if (overwritten.length) throw new MergeBlocked(`You have untracked files ${list(overwritten)}, which the merge would overwrite.`, `Move, commit or delete them, then run ${resume}.`);
  // git refuses a merge commit on top of staged changes (they would be recorded in it); a fast-forward keeps them.
  if (!fastForward && staged.length) throw new MergeBlocked(`You have staged changes in ${list(staged)}, and a merge commit would take them in.`, `Commit them or unstage them (git restore --staged <file>), then run ${resume}.`);
  try {
    await runGit(fastForward ? ['merge', '--ff-only', '--quiet', req.head] : ['merge', '--no-ff', '--no-edit', '--quiet', '--no-verify', '-m', req.message, req.head], run);
  } catch (e) {
    throw new MergeBlocked(`git would not merge ${req.branch} into ${into}: ${errorMessage(e)}.`, `Nothing was changed. Do what git asks, then run ${resume}.`);
  }
  return { into, from, to: await gitOut(['rev-parse', 'HEAD'], run), how: fastForward ? 'fast-forward' : 'merge' };
}

async function isAncestor(repoDir: string, a: string, b: string): Promise<boolean> {
  return (await runGit(['merge-base', '--is-ancestor', a, b], { cwd: repoDir, okCodes: [1] })).code === 0;
}

/** The user's uncommitted work, from `git status --porcelain -z`: changed tracked files, untracked files, staged files. */
async function localChanges(repoDir: string): Promise<{ modified: string[]; untracked: string[]; staged: string[] }> {
  const entries = (await runGit(['status', '--porcelain', '-z', '--untracked-files=all'], { cwd: repoDir })).stdout.split('\0').filter(Boolean);
  const modified: string[] = [];
  const untracked: string[] = [];
  const staged: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const [x, y, path] = [entry[0], entry[1], entry.slice(3)];
    if (x === '?') untracked.push(path);
    else {
      modified.push(path);
      if (x !== ' ') staged.push(path);
    }
    // A rename or copy names its old path next: the merge must not change that one either.
    if (x === 'R' || x === 'C' || y === 'R' || y === 'C') modified.push(entries[++i] ?? '');
  }
  return { modified: modified.filter(Boolean), untracked, staged };
}

function list(paths: readonly string[]): string {
  return paths.length > 5 ? `${paths.slice(0, 5).join(', ')} and ${paths.length - 5} more` : paths.join(', ');
}
