import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { BatonError } from '../errors';
import { Mutex } from './mutex';

export interface Workspace {
  path: string;
  branch: string;
}

export interface CommitInfo {
  sha: string;
  files: string[];
}

// Commits made by agents carry Baton's identity, never the user's (passed as `git -c`, so the
// user's configuration is neither needed nor changed).
const identity = ['user.name=Baton agent', 'user.email=agents@baton.invalid'];

function gitAt(baseDir: string): SimpleGit {
  return simpleGit({ baseDir, config: identity });
}

export function branchName(workflowId: string, agentId: string): string {
  return `baton/${workflowId}/${agentId}`;
}

/**
 * Each agent of a workflow works on branch baton/<workflow>/<agent>, checked out in its own
 * worktree under .git/baton/worktrees: the user's working tree, index and branch are never used.
 * Repository-wide operations are serialized; work inside one worktree is the agent's alone.
 */
export class AgentWorkspaces {
  private readonly repoLock = new Mutex();
  private readonly git: SimpleGit;

  constructor(readonly repoDir: string, readonly batonDir: string) {
    this.git = gitAt(repoDir);
  }

  async headCommit(): Promise<string> {
    try {
      return (await this.git.revparse(['HEAD'])).trim();
    } catch {
      throw new BatonError(`${this.repoDir} has no commits yet.`, 'Make a first commit: agents branch off it.', 'git');
    }
  }

  async ensure(workflowId: string, agentId: string, base: string): Promise<Workspace> {
    const branch = branchName(workflowId, agentId);
    const path = join(this.batonDir, 'worktrees', workflowId, agentId);
    return this.repoLock.run(async () => {
      if (existsSync(join(path, '.git'))) return { path, branch };
      mkdirSync(join(this.batonDir, 'worktrees', workflowId), { recursive: true });
      await this.git.raw(['worktree', 'prune']);
      const exists = (await this.git.raw(['branch', '--list', branch])).trim() !== '';
      await this.git.raw(exists ? ['worktree', 'add', path, branch] : ['worktree', 'add', '--no-track', '-b', branch, path, base]);
      return { path, branch };
    });
  }

  /**
   * Commits everything the agent changed as one step. Idempotent by step id: a step that was
   * already committed (the node re-ran after a crash) returns that commit instead of a new one.
   */
  async commit(ws: Workspace, stepId: string, subject: string, trailers: Record<string, string>): Promise<CommitInfo | undefined> {
    const git = gitAt(ws.path);
    const existing = (await git.raw(['log', '--format=%H', `--grep=^Baton-Step: ${escapeRegex(stepId)}$`, '-n', '1'])).trim();
    if (existing) return { sha: existing, files: await this.filesOf(git, existing) };
    await git.raw(['add', '-A']);
    const staged = (await git.raw(['diff', '--cached', '--name-only'])).trim();
    if (!staged) return undefined;
    const body = Object.entries({ ...trailers, 'Baton-Step': stepId }).map(([k, v]) => `${k}: ${v}`).join('\n');
    await git.raw(['commit', '--quiet', '--no-verify', '-m', subject, '-m', body]);
    const sha = (await git.revparse(['HEAD'])).trim();
    return { sha, files: staged.split('\n') };
  }

  async headOf(ws: Workspace): Promise<string> {
    return (await gitAt(ws.path).revparse(['HEAD'])).trim();
  }

  /**
   * Moves the agent's branch back to `sha`, discarding its uncommitted changes. The abandoned head
   * stays reachable under `trashRef` (refs/baton/trash/...), so no commit is lost silently.
   */
  async revertTo(ws: Workspace, sha: string, trashRef: string): Promise<void> {
    const git = gitAt(ws.path);
    const head = (await git.revparse(['HEAD'])).trim();
    if (head !== sha) await this.repoLock.run(() => this.git.raw(['update-ref', trashRef, head]));
    await git.raw(['reset', '--hard', '--quiet', sha]);
    await git.raw(['clean', '-fd', '--quiet']);
  }

  async diffOf(ws: Workspace, sha: string, maxBytes = 40_000): Promise<string> {
    const text = await gitAt(ws.path).raw(['show', '--format=%s', '--stat', '--patch', sha]);
    return text.length > maxBytes ? `${text.slice(0, maxBytes)}\n... (diff cut at ${maxBytes} bytes)` : text;
  }

  private async filesOf(git: SimpleGit, sha: string): Promise<string[]> {
    return (await git.raw(['show', '--format=', '--name-only', sha])).trim().split('\n').filter(Boolean);
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
