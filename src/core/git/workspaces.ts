import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BatonError } from '../errors';
import { gitOut, runGit } from './gitRunner';
import { Mutex } from './mutex';

export interface Workspace {
  path: string;
  branch: string;
}

export interface CommitInfo {
  sha: string;
  files: string[];
}

export function branchName(workflowId: string, agentId: string): string {
  return `baton/${workflowId}/${agentId}`;
}

/** Paths from `git status --porcelain -z`: renames name their new path. */
function changedPaths(porcelainZ: string): string[] {
  const entries = porcelainZ.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the next entry is the old path
  }
  return paths;
}

/**
 * Each agent of a workflow works on branch baton/<workflow>/<agent>, checked out in its own
 * worktree under .git/baton/worktrees: the user's working tree, index and branch are never used.
 * Repository-wide operations (worktree add/prune, ref updates) are serialized; work inside one
 * worktree is its agent's alone.
 */
export class AgentWorkspaces {
  private readonly repoLock = new Mutex();
  private pruned = false;

  constructor(readonly repoDir: string, readonly batonDir: string) {}

  async headCommit(): Promise<string> {
    try {
      return await gitOut(['rev-parse', '--verify', 'HEAD'], { cwd: this.repoDir });
    } catch {
      throw new BatonError(`${this.repoDir} has no commits yet.`, 'Make a first commit: agents branch off it.', 'git');
    }
  }

  async ensure(workflowId: string, agentId: string, base: string): Promise<Workspace> {
    const branch = branchName(workflowId, agentId);
    const path = join(this.batonDir, 'worktrees', workflowId, agentId);
    if (existsSync(join(path, '.git'))) return { path, branch };
    return this.repoLock.run(async () => {
      if (existsSync(join(path, '.git'))) return { path, branch };
      mkdirSync(join(this.batonDir, 'worktrees', workflowId), { recursive: true });
      // Forget worktrees deleted by hand, once per process rather than per agent.
      if (!this.pruned) {
        await runGit(['worktree', 'prune'], { cwd: this.repoDir });
        this.pruned = true;
      }
      const exists = (await runGit(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: this.repoDir, okCodes: [1] })).code === 0;
      await runGit(exists ? ['worktree', 'add', '--quiet', path, branch] : ['worktree', 'add', '--quiet', '--no-track', '-b', branch, path, base], { cwd: this.repoDir });
      return { path, branch };
    });
  }

  /**
   * Commits everything the agent changed as one step, with the step id as a trailer. Idempotent:
   * with nothing to commit, a commit of this step that already exists (the node re-ran after a
   * crash) is returned instead of nothing.
   */
  async commit(ws: Workspace, stepId: string, subject: string, trailers: Record<string, string>): Promise<CommitInfo | undefined> {
    const cwd = ws.path;
    const files = changedPaths((await runGit(['status', '--porcelain', '-z', '--untracked-files=all'], { cwd })).stdout);
    if (!files.length) {
      const existing = await gitOut(['log', '--format=%H', '-n', '1', `--grep=^Baton-Step: ${escapeRegex(stepId)}$`], { cwd });
      return existing ? { sha: existing, files: (await gitOut(['show', '--format=', '--name-only', existing], { cwd })).split('\n').filter(Boolean) } : undefined;
    }
    await runGit(['add', '-A'], { cwd });
    const body = Object.entries({ ...trailers, 'Baton-Step': stepId }).map(([k, v]) => `${k}: ${v}`).join('\n');
    await runGit(['commit', '--quiet', '--no-verify', '-m', subject, '-m', body], { cwd });
    return { sha: await this.headOf(ws), files };
  }

  headOf(ws: Workspace): Promise<string> {
    return gitOut(['rev-parse', 'HEAD'], { cwd: ws.path });
  }

  /**
   * Moves the agent's branch back to `sha`, discarding its uncommitted changes. An abandoned head
   * stays reachable under `trashRef` (refs/baton/trash/...), so no commit is lost silently.
   */
  async revertTo(ws: Workspace, sha: string, trashRef: string): Promise<void> {
    const head = await this.headOf(ws);
    if (head === sha && !(await gitOut(['status', '--porcelain'], { cwd: ws.path }))) return;
    if (head !== sha) await this.repoLock.run(() => runGit(['update-ref', trashRef, head], { cwd: this.repoDir }));
    await runGit(['reset', '--hard', '--quiet', sha], { cwd: ws.path });
    await runGit(['clean', '-fdq'], { cwd: ws.path });
  }

  /**
   * Brings the commits a task builds on (its dependencies' results, on other agents' branches)
   * into the agent's branch. A merge that conflicts is abandoned and reported, never left half-done.
   */
  async mergeUpstream(ws: Workspace, commits: readonly string[]): Promise<{ merged: string[]; conflicted: string[] }> {
    const merged: string[] = [];
    const conflicted: string[] = [];
    for (const sha of commits) {
      const contained = (await runGit(['merge-base', '--is-ancestor', sha, 'HEAD'], { cwd: ws.path, okCodes: [1] })).code === 0;
      if (contained) continue;
      const r = await runGit(['merge', '--no-edit', '--quiet', '--no-verify', '-m', `Merge upstream ${sha.slice(0, 7)}`, sha], { cwd: ws.path, okCodes: [1] });
      if (r.code === 0) merged.push(sha);
      else {
        await runGit(['merge', '--abort'], { cwd: ws.path, okCodes: [128] });
        conflicted.push(sha);
      }
    }
    return { merged, conflicted };
  }

  async diffOf(ws: Workspace, sha: string, maxBytes = 40_000): Promise<string> {
    const text = await gitOut(['show', '--format=%s', '--stat', '--patch', sha], { cwd: ws.path });
    return text.length > maxBytes ? `${text.slice(0, maxBytes)}\n... (diff cut at ${maxBytes} bytes)` : text;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
