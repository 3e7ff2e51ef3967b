import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatonError, errorMessage } from '../errors';
import { gitOut, runGit, runShell } from './gitRunner';
import { Mutex } from './mutex';
import { processHost } from './processHost';
import { describeHits, secretsInPatch, stagedPatchArgs } from './secretScan';
import type { SecretHit } from './secretScan';

export interface Workspace {
  path: string;
  branch: string;
}

export interface CommitInfo {
  sha: string;
  files: string[];
}

/** A change that looked like it held a secret, kept aside until a person decides: on no branch, under `ref`. */
export interface HeldChange {
  /** The commit it would have been, message and trailers included; its first parent is the branch head then. */
  sha: string;
  ref: string;
  files: string[];
  hits: SecretHit[];
}

/**
 * The change an agent is about to commit holds what looks like a secret: nothing was committed, and the change is
 * still staged in its worktree (AgentWorkspaces.hold keeps it aside; a caller may instead leave those files out).
 */
export class SecretsFound extends BatonError {
  constructor(readonly hits: SecretHit[]) {
    super(`The change would commit what looks like a secret in ${describeHits(hits)}.`,
      'Nothing was committed. A person decides: approve if it is not a secret (it is committed as it is), or reject to drop the change.', 'state');
    this.name = 'SecretsFound';
  }
}

/** Where a held change waits for its decision (see AgentWorkspaces.hold); removed once decided. */
export function heldRef(workflowId: string, name: string): string {
  return `refs/baton/held/${workflowId}/${name}`;
}

/** git's empty tree, which every repository knows without storing it. */
const emptyTree = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export function branchName(workflowId: string, agentId: string): string {
  return `baton/${workflowId}/${agentId}`;
}

/** The id no agent may have: its branch, baton/<workflow>/integration, holds every agent's work merged. */
export const integrationName = 'integration';

/** Where a branch's head is kept once the workflow ended and the branch was removed (see removeWorkflow). */
export function endedRef(workflowId: string, name: string): string {
  return `refs/baton/trash/${workflowId}/ended/${name}`;
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
  /**
   * Worktrees this process's last commit left clean, with that commit: the agent's next task starts
   * there without asking git. startFresh consumes it; revertTo and merges clear it.
   */
  private readonly clean = new Map<string, string>();
  /** Merges of a set of upstream commits already made in some worktree (its merge commit, or undefined). */
  private readonly integrations = new Map<string, Promise<string | undefined>>();
  /** Worktrees being set up: a second caller waits for the same one. */
  private readonly creating = new Map<string, Promise<Workspace>>();
  /** Worktrees this process has set up (created, or found and restored). */
  private readonly ready = new Set<string>();

  /**
   * @param knownSecrets what Baton holds itself (its model key): no agent commit may hold it, nor any credential of a
   * well-known shape (git/secretScan.ts).
   */
  constructor(readonly repoDir: string, readonly batonDir: string, private readonly knownSecrets: () => readonly string[] = () => []) {
    processHost.warm();
  }

  /** The branch the user is on; undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    const r = await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: this.repoDir, okCodes: [1] });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  async headCommit(): Promise<string> {
    try {
      return await gitOut(['rev-parse', '--verify', 'HEAD'], { cwd: this.repoDir });
    } catch {
      // Something the user sets right (exit 2), not a failure of git.
      throw new BatonError(`${this.repoDir} has no commits yet.`, 'Make a first commit (e.g. git add -A && git commit -m "first commit"): agents branch off it.', 'config');
    }
  }

  /** Where an agent's worktree is (or will be) and its branch. */
  workspaceOf(workflowId: string, agentId: string): Workspace {
    return { path: join(this.batonDir, 'worktrees', workflowId, agentId), branch: branchName(workflowId, agentId) };
  }

  async ensure(workflowId: string, agentId: string, base: string): Promise<Workspace> {
    const ws = this.workspaceOf(workflowId, agentId);
    if (this.ready.has(ws.path)) {
      if (existsSync(join(ws.path, '.git'))) return ws;
      // Deleted by hand while the workflow ran: made again from the branch, where every commit is.
      this.ready.delete(ws.path);
      this.clean.delete(ws.path);
      this.pruned = false;
    }
    let creating = this.creating.get(ws.path);
    if (!creating) {
      creating = this.create(ws, workflowId, base).finally(() => this.creating.delete(ws.path));
      this.creating.set(ws.path, creating);
    }
    return creating;
  }

  private async create(ws: Workspace, workflowId: string, base: string): Promise<Workspace> {
    await this.repoLock.run(async () => {
      if (existsSync(join(ws.path, '.git'))) return;
      // A folder left without its .git (deleted by hand in part) is set aside, not deleted.
      if (existsSync(ws.path)) renameSync(ws.path, `${ws.path}.orphaned-${Date.now().toString(36)}`);
      mkdirSync(join(this.batonDir, 'worktrees', workflowId), { recursive: true });
      // Forget worktrees deleted by hand, once per process rather than per agent.
      if (!this.pruned) {
        await runGit(['worktree', 'prune'], { cwd: this.repoDir });
        this.pruned = true;
      }
      const exists = (await runGit(['show-ref', '--verify', '--quiet', `refs/heads/${ws.branch}`], { cwd: this.repoDir, okCodes: [1] })).code === 0;
      // A workflow resumed after its branches were cleaned up (e.g. cancelled, then resumed) goes on
      // from where each agent was, kept under refs/baton/trash/<workflow>/ended/, not from the base.
      const start = exists ? base : await this.endedHead(workflowId, ws.branch.split('/').pop()!) ?? base;
      // Only the registration is repository-wide and must be serialized; filling the working tree
      // touches this worktree alone, so it happens below, in parallel with other agents'.
      await runGit(exists ? ['worktree', 'add', '--quiet', '--no-checkout', ws.path, ws.branch] : ['worktree', 'add', '--quiet', '--no-checkout', '--no-track', '-b', ws.branch, ws.path, start], { cwd: this.repoDir })
        .catch((error: unknown) => {
          const where = /already (?:checked out|used by worktree) at '([^']+)'/.exec(errorMessage(error))?.[1];
          if (!where) throw error;
          throw new BatonError(`Branch ${ws.branch} is checked out in ${where}, so the agent cannot have it in its own worktree.`,
            `Switch ${where} to another branch (e.g. \`git -C "${where}" switch -\`), then resume the workflow. The branch and its commits are unchanged.`, 'git');
        });
    });
    // Fills a new worktree; for one found after a restart, discards what a cut-short run left behind.
    await runGit(['reset', '--hard', '--quiet'], { cwd: ws.path });
    this.ready.add(ws.path);
    return ws;
  }

  /**
   * Commits everything the agent changed as one step, with the step id as a trailer. Idempotent:
   * with nothing to commit, a commit of this step that already exists (the node re-ran after a
   * crash) is returned instead of nothing. Throws SecretsFound, committing nothing, when the staged change adds a
   * line that holds a secret; `leaveOut` paths are not staged (a caller that keeps what is left of such a change).
   */
  async commit(ws: Workspace, stepId: string, subject: string, trailers: Record<string, string>, leaveOut: readonly string[] = []): Promise<CommitInfo | undefined> {
    const cwd = ws.path;
    const body = messageBody(stepId, trailers);
    // Two processes from Node: staging and the staged change for the scan, then (when it found nothing) the commit
    // and what it holds. Forking this (large) process costs ~10 ms and blocks every agent; forking git from a small
    // shell does not. The scan costs one git process per commit (docs/decisions/0025). Exit 1: nothing to commit.
    const staged = await runShell(`git add -A && { [ $# -eq 0 ] || git --literal-pathspecs reset -q -- "$@"; } && git ${stagedPatchArgs.join(' ')}`, leaveOut, { cwd });
    const hits = secretsInPatch(staged.stdout, this.knownSecrets());
    if (hits.length) throw new SecretsFound(hits);
    const made = await runShell('git commit --quiet --no-verify -m "$1" -m "$2" && git show --format=%H --name-only HEAD', [subject, body], { cwd, okCodes: [1] });
    let lines = made.stdout.split('\n').filter(Boolean);
    if (made.code !== 0) {
      const existing = await gitOut(['log', '--format=%H', '-n', '1', `--grep=^Baton-Step: ${escapeRegex(stepId)}$`], { cwd });
      if (!existing) return undefined;
      lines = (await gitOut(['show', '--format=%H', '--name-only', existing], { cwd })).split('\n').filter(Boolean);
    }
    const [sha = '', ...files] = lines;
    if (made.code === 0) this.clean.set(cwd, sha);
    return { sha, files };
  }

  /**
   * After SecretsFound: the staged change becomes the commit it would have been, kept under `ref` on no branch, and
   * the worktree goes back to its branch head. A ref rather than the worktree, because a person may answer from
   * another process, and a worktree found after a restart is reset (see create).
   */
  async hold(ws: Workspace, stepId: string, subject: string, trailers: Record<string, string>, ref: string, hits: SecretHit[]): Promise<HeldChange> {
    this.clean.delete(ws.path);
    const script = [
      'tree=$(git write-tree) || exit 2',
      'mh=$(git rev-parse -q --verify MERGE_HEAD) || mh=',
      'sha=$(git commit-tree "$tree" -p HEAD ${mh:+-p "$mh"} -m "$1" -m "$2") || exit 2',
      'git update-ref "$3" "$sha" || exit 2',
      'echo "$sha"',
      'git diff --cached --name-only --no-renames -z HEAD || exit 2',
      'git reset --hard -q HEAD',
    ].join('\n');
    const out = await this.repoLock.run(() => runShell(script, [subject, messageBody(stepId, trailers), ref], { cwd: ws.path }));
    const [sha = '', files = ''] = out.stdout.split(/\n(.*)/s);
    return { sha, ref, files: files.split('\0').filter(Boolean), hits };
  }

  /**
   * A person approved a held change: the branch moves to it (it is the commit, parents and all) and the ref goes.
   * Undefined when the branch is no longer where the change was made, or the change is gone (the workflow ended).
   * Idempotent: a branch already at the held commit is a change already taken.
   */
  async takeHeld(ws: Workspace, held: HeldChange | { sha: string; ref: string }): Promise<CommitInfo | undefined> {
    this.clean.delete(ws.path);
    const script = [
      'head=$(git rev-parse HEAD) || exit 2',
      'if [ "$head" != "$1" ]; then',
      '  [ "$(git rev-parse -q --verify "$1^1" 2>/dev/null)" = "$head" ] || exit 3',
      '  git reset --hard -q "$1" || exit 2',
      'fi',
      'git update-ref -d "$2" && git show --format=%H --name-only "$1"',
    ].join('\n');
    const r = await this.repoLock.run(() => runShell(script, [held.sha, held.ref], { cwd: ws.path, okCodes: [3] }));
    if (r.code === 3) return undefined;
    const [sha = '', ...files] = r.stdout.split('\n').filter(Boolean);
    this.clean.set(ws.path, sha);
    return { sha, files };
  }

  /** A person rejected a held change: it goes (its objects are pruned with git's next gc). */
  async dropHeld(ref: string): Promise<void> {
    await this.repoLock.run(() => runGit(['update-ref', '-d', ref], { cwd: this.repoDir }));
  }

  headOf(ws: Workspace): Promise<string> {
    return gitOut(['rev-parse', 'HEAD'], { cwd: ws.path });
  }

  /**
   * Before an agent starts a task: the worktree clean at its branch head, which is returned. A run
   * cut short (cancel, crash) may have left uncommitted changes; they are discarded. Free when this
   * process's own last commit there left it clean.
   */
  async startFresh(ws: Workspace): Promise<string> {
    const known = this.clean.get(ws.path);
    this.clean.delete(ws.path);
    if (known) return known;
    const head = await this.headOf(ws);
    if (await gitOut(['status', '--porcelain'], { cwd: ws.path })) {
      await runGit(['reset', '--hard', '--quiet', head], { cwd: ws.path });
      await runGit(['clean', '-fdq'], { cwd: ws.path });
    }
    return head;
  }

  /**
   * Commits `path` as it is at `source` on the worktree's branch (removing it when `source` has no
   * such file): the user taking the other agent's side of a conflict. Only that path is staged, so
   * whatever else an interrupted agent left in its worktree stays uncommitted. Undefined when the
   * branch already has that version.
   */
  async restoreFile(ws: Workspace, path: string, source: string, subject: string, body: string): Promise<string | undefined> {
    this.clean.delete(ws.path);
    const cwd = ws.path;
    const atSource = (await runGit(['cat-file', '-e', `${source}:${path}`], { cwd, okCodes: [1, 128] })).code === 0;
    if (atSource) await runGit(['--literal-pathspecs', 'restore', `--source=${source}`, '--staged', '--worktree', '--', path], { cwd });
    else await runGit(['--literal-pathspecs', 'rm', '--quiet', '--force', '--ignore-unmatch', '--', path], { cwd });
    if ((await runGit(['diff', '--cached', '--quiet', '--', path], { cwd, okCodes: [1] })).code === 0) return undefined;
    await runGit(['--literal-pathspecs', 'commit', '--quiet', '--no-verify', '-m', subject, '-m', body, '--', path], { cwd });
    return this.headOf(ws);
  }

  /**
   * Moves the agent's branch back to `sha`, discarding its uncommitted changes. An abandoned head
   * stays reachable under `trashRef` (refs/baton/trash/...), so no commit is lost silently.
   */
  async revertTo(ws: Workspace, sha: string, trashRef: string): Promise<void> {
    this.clean.delete(ws.path);
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
    if (!commits.length) return { merged: [], conflicted: [] };
    this.clean.delete(ws.path);
    // Tasks of one wave usually build on the same commits: the first to ask makes the merge, the
    // others take that merge commit, which fast-forwards a branch whose head is one of its parents.
    const key = [...new Set(commits)].sort().join(' ');
    const shared = this.integrations.get(key);
    if (shared) {
      const made = await shared;
      if (made && (await runGit(['merge', '--no-edit', '--quiet', '--no-verify', made], { cwd: ws.path, okCodes: [1, 2] })).code === 0) return { merged: [...commits], conflicted: [] };
      if (made) await this.abortMerge(ws);
      return this.mergeEach(ws, commits);
    }
    let settle: (sha: string | undefined) => void = () => undefined;
    this.integrations.set(key, new Promise((resolve) => (settle = resolve)));
    const message = `Merge the work this task builds on (${commits.map((c) => c.slice(0, 7)).join(', ')})`;
    // One (octopus) merge; git skips commits the branch already has.
    const all = await runGit(['merge', '--no-edit', '--quiet', '--no-verify', '-m', message, ...commits], { cwd: ws.path, okCodes: [1, 2] }).catch(() => ({ code: 1 }));
    if (all.code === 0) {
      settle(await this.headOf(ws));
      return { merged: [...commits], conflicted: [] };
    }
    settle(undefined);
    await this.abortMerge(ws);
    return this.mergeEach(ws, commits);
  }

  /**
   * Starts merging `ref` into the worktree's branch and stops before committing: what merges cleanly
   * is staged, and each file git could not merge holds its conflict markers, for the agent asked to
   * resolve the conflict. The task's commit concludes the merge (MERGE_HEAD makes it a merge commit).
   */
  async startMerge(ws: Workspace, ref: string): Promise<{ conflicted: string[]; upToDate: boolean }> {
    this.clean.delete(ws.path);
    const r = await runGit(['merge', '--no-ff', '--no-commit', '--no-verify', ref], { cwd: ws.path, okCodes: [1] });
    const conflicted = r.code === 1 ? (await gitOut(['diff', '--name-only', '--diff-filter=U'], { cwd: ws.path })).split('\n').filter(Boolean) : [];
    if (r.code === 1 && !conflicted.length) {
      await this.abortMerge(ws);
      throw new BatonError(`Could not start merging ${ref} into ${ws.branch}: ${r.stdout.trim().slice(0, 300) || 'git stopped before merging'}`, 'Compare the two versions, or take one side.', 'git');
    }
    // "Already up to date": the branch has every commit of `ref`, and git starts no merge.
    const upToDate = r.code === 0 && (await runGit(['rev-parse', '--verify', '--quiet', 'MERGE_HEAD'], { cwd: ws.path, okCodes: [1] })).code !== 0;
    return { conflicted, upToDate };
  }

  /** Of `paths` in the worktree, those still holding a conflict marker line (<<<<<<<, ======= or >>>>>>>). */
  async conflictMarkers(ws: Workspace, paths: readonly string[]): Promise<string[]> {
    const marked = await Promise.all(paths.map(async (p) => {
      const text = await readFile(join(ws.path, p), 'utf8').catch(() => '');
      return /^(<{7}|={7}|>{7})( |$)/m.test(text) ? [p] : [];
    }));
    return marked.flat();
  }

  /** Something conflicts: merge one by one, keeping every commit that merges cleanly. */
  private async mergeEach(ws: Workspace, commits: readonly string[]): Promise<{ merged: string[]; conflicted: string[] }> {
    const merged: string[] = [];
    const conflicted: string[] = [];
    for (const sha of commits) {
      const r = await runGit(['merge', '--no-edit', '--quiet', '--no-verify', '-m', `Merge upstream ${sha.slice(0, 7)}`, sha], { cwd: ws.path, okCodes: [1, 2] });
      if (r.code === 0) merged.push(sha);
      else {
        await this.abortMerge(ws);
        conflicted.push(sha);
      }
    }
    return { merged, conflicted };
  }

  private async abortMerge(ws: Workspace): Promise<void> {
    await runGit(['merge', '--abort'], { cwd: ws.path, okCodes: [128] });
    // An octopus merge that stops before starting leaves no MERGE_HEAD to abort: reset what it touched.
    await runGit(['reset', '--hard', '--quiet', 'HEAD'], { cwd: ws.path });
  }

  /** The agent branches of a workflow (baton/<workflow>/<agent>), without its integration branch. */
  async branchesOf(workflowId: string): Promise<string[]> {
    const integration = branchName(workflowId, integrationName);
    return (await gitOut(['for-each-ref', '--format=%(refname:short)', `refs/heads/baton/${workflowId}/`], { cwd: this.repoDir })).split('\n').filter((b) => b && b !== integration);
  }

  private async endedHead(workflowId: string, name: string): Promise<string | undefined> {
    const found = await runGit(['rev-parse', '--verify', '--quiet', `${endedRef(workflowId, name)}^{commit}`], { cwd: this.repoDir, okCodes: [1] });
    return found.code === 0 ? found.stdout.trim() : undefined;
  }

  /** Points baton/<workflow>/integration at `sha` (made by mergeBranches); returns the branch name. */
  async setIntegrationHead(workflowId: string, sha: string): Promise<string> {
    const branch = branchName(workflowId, integrationName);
    await this.repoLock.run(() => runGit(['update-ref', `refs/heads/${branch}`, sha], { cwd: this.repoDir }));
    return branch;
  }

  /**
   * The scratch worktree where a workflow's finished branches are merged together, on branch
   * baton/<workflow>/integration, reset to `base`: each integration starts again from the base.
   */
  async integrationWorkspace(workflowId: string, base: string): Promise<Workspace> {
    const ws = { path: join(this.batonDir, 'integration', workflowId), branch: branchName(workflowId, integrationName) };
    await this.repoLock.run(async () => {
      if (existsSync(join(ws.path, '.git'))) {
        await runGit(['merge', '--abort'], { cwd: ws.path, okCodes: [128] });
        await runGit(['checkout', '--quiet', '--force', '-B', ws.branch, base], { cwd: ws.path });
        return;
      }
      mkdirSync(join(this.batonDir, 'integration'), { recursive: true });
      await runGit(['worktree', 'prune'], { cwd: this.repoDir });
      await runGit(['worktree', 'add', '--quiet', '--force', '--no-track', '-B', ws.branch, ws.path, base], { cwd: this.repoDir });
    });
    await runGit(['clean', '-fdq'], { cwd: ws.path });
    return ws;
  }

  /**
   * When a workflow ends: removes its worktrees (agents' and integration) and its branches. Each
   * branch head is kept under refs/baton/trash/<workflow>/ended/<name> first, so nothing is lost and
   * a resumed workflow picks up from there. `keepIntegration` keeps the integration branch (not its
   * worktree): the result the user has not taken yet. A change held for a secret that no one decided on goes: it is
   * not kept anywhere. Through the repository lock, like worktree add.
   */
  async removeWorkflow(workflowId: string, keepIntegration: boolean): Promise<string[]> {
    const integration = branchName(workflowId, integrationName);
    const paths = [join(this.batonDir, 'integration', workflowId)];
    const listed = await gitOut(['for-each-ref', '--format=%(refname) %(objectname)', `refs/heads/baton/${workflowId}/`, heldRef(workflowId, '')], { cwd: this.repoDir });
    const refs = listed.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]);
    const held = refs.filter(([ref]) => !ref.startsWith('refs/heads/')).map(([ref]) => ref);
    const heads = refs.filter(([ref]) => ref.startsWith('refs/heads/')).map(([ref, sha]) => [ref.slice('refs/heads/'.length), sha] as [string, string]);
    for (const [branch] of heads) if (branch !== integration) paths.push(this.workspaceOf(workflowId, branch.split('/').pop()!).path);
    const removed: string[] = [];
    await this.repoLock.run(async () => {
      for (const path of paths) {
        if (existsSync(join(path, '.git'))) await runGit(['worktree', 'remove', '--force', '--force', path], { cwd: this.repoDir });
        this.ready.delete(path);
        this.clean.delete(path);
      }
      rmSync(join(this.batonDir, 'worktrees', workflowId), { recursive: true, force: true });
      rmSync(join(this.batonDir, 'integration', workflowId), { recursive: true, force: true });
      await runGit(['worktree', 'prune'], { cwd: this.repoDir });
      for (const [branch, sha] of heads) {
        if (keepIntegration && branch === integration) continue;
        await runGit(['update-ref', endedRef(workflowId, branch.split('/').pop()!), sha], { cwd: this.repoDir });
        await runGit(['branch', '--quiet', '-D', branch], { cwd: this.repoDir });
        removed.push(branch);
      }
      for (const ref of held) await runGit(['update-ref', '-d', ref], { cwd: this.repoDir });
    });
    return removed;
  }

  /**
   * Records every agent branch head of a workflow, with the graph checkpoint it goes with, under
   * refs/baton/snapshots/<workflow>/<n>: a commit (empty tree) whose parents are the heads and whose
   * message is the record as JSON. Idempotent by n: making snapshot n again replaces it.
   */
  async snapshot(workflowId: string, n: number, reason: string, checkpointId: string | undefined, base: string): Promise<{ ref: string; sha: string; heads: Record<string, string> }> {
    const listed = await gitOut(['for-each-ref', '--format=%(refname:short) %(objectname)', `refs/heads/baton/${workflowId}/`], { cwd: this.repoDir });
    const integration = branchName(workflowId, integrationName);
    const heads = Object.fromEntries(listed.split('\n').filter(Boolean).map((line) => line.split(' ') as [string, string]).filter(([b]) => b !== integration));
    const parents = [...new Set(Object.values(heads).length ? Object.values(heads) : [base])];
    const record = JSON.stringify({ workflowId, snapshot: n, reason, checkpointId: checkpointId ?? null, base, heads }, null, 2);
    const ref = `refs/baton/snapshots/${workflowId}/${n}`;
    // One process for both steps: a snapshot sits between two waves, on every agent's path.
    const made = await this.repoLock.run(() => runShell(
      'ref=$1 tree=$2 subject=$3 record=$4; shift 4; sha=$(git commit-tree "$tree" -m "$subject" -m "$record" "$@") && git update-ref "$ref" "$sha" && echo "$sha"',
      [ref, emptyTree, `Baton snapshot ${n} of ${workflowId}: ${reason}`, record, ...parents.flatMap((p) => ['-p', p])], { cwd: this.repoDir }));
    return { ref, sha: made.stdout.trim(), heads };
  }

  async diffOf(ws: Workspace, sha: string, maxBytes = 40_000): Promise<string> {
    // A diff driver or textconv that .gitattributes names would be a program run by git (docs/decisions/0024).
    const text = await gitOut(['show', '--format=%s', '--stat', '--patch', '--no-ext-diff', '--no-textconv', sha], { cwd: ws.path });
    return text.length > maxBytes ? `${text.slice(0, maxBytes)}\n... (diff cut at ${maxBytes} bytes)` : text;
  }
}

function messageBody(stepId: string, trailers: Record<string, string>): string {
  return Object.entries({ ...trailers, 'Baton-Step': stepId }).map(([k, v]) => `${k}: ${v}`).join('\n');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
