import { BatonError } from '../errors';
import { runGit } from './gitRunner';
import { endedRef } from './workspaces';

/** How a file differs between two commits, as `git diff --name-status` says it (renames off). */
export type ChangeStatus = 'added' | 'modified' | 'deleted';

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
}

/** What one agent changed since the workflow's base. */
export interface AgentChanges {
  agentId: string;
  base: string;
  /** The agent branch's head, or the head kept under refs/baton/trash/ once its branch was removed. */
  head: string;
  files: ChangedFile[];
}

/**
 * A repository-relative path the editor may ask git about: no absolute path, no `..`, nothing
 * inside `.git`. The paths come from URIs a user can type, so they are checked, not trusted.
 */
export function checkRepoPath(path: string): string {
  const parts = path.split('/');
  if (!path || path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '..' || p === '') || parts[0] === '.git') {
    throw new BatonError(`"${path}" is not a file path inside the repository.`, 'Use a path relative to the repository root, with forward slashes.', 'usage');
  }
  return path;
}

/** The text of `path` at commit `ref`; undefined when the file does not exist there. Reads objects only. */
export async function readFileAtRef(repoDir: string, ref: string, path: string): Promise<string | undefined> {
  checkRepoPath(path);
  if (!/^[0-9a-f]{7,64}$/.test(ref)) throw new BatonError(`"${ref}" is not a commit id.`, 'Open the changes again from Baton: Show Changes.', 'usage');
  // `cat-file --textconv` would run the user's filters; plain `cat-file blob` shows what git stores.
  const r = await runGit(['cat-file', 'blob', `${ref}:${path}`], { cwd: repoDir, okCodes: [128] });
  return r.code === 0 ? r.stdout : undefined;
}

/** The files `head` changes since `base`, each with how. */
export async function changedFilesWithStatus(repoDir: string, base: string, head: string): Promise<ChangedFile[]> {
  const out = (await runGit(['diff', '-z', '--name-status', '--no-renames', '--no-ext-diff', base, head], { cwd: repoDir })).stdout;
  const fields = out.split('\0').filter(Boolean);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i]!;
    files.push({ path: fields[i + 1]!, status: code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified' });
  }
  return files;
}

/**
 * Every agent of a workflow with work to show, and its head: the live branches, and for those
 * already removed (the workflow ended) the heads kept under refs/baton/trash/<id>/ended/. The
 * integration branch (every agent's work merged, what the merge approval lands) is listed as
 * `integration`, a name no agent may have.
 */
export async function workflowHeads(repoDir: string, workflowId: string): Promise<Map<string, string>> {
  const live = `refs/heads/baton/${workflowId}/`;
  const ended = endedRef(workflowId, '');
  const out = (await runGit(['for-each-ref', '--format=%(refname) %(objectname)', live, ended], { cwd: repoDir })).stdout;
  const heads = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [ref = '', sha = ''] = line.split(' ');
    const agentId = ref.startsWith(live) ? ref.slice(live.length) : ref.slice(ended.length);
    if (!agentId) continue;
    // A live branch wins over the head kept from an earlier end (a workflow resumed after it ended).
    if (ref.startsWith(live) || !heads.has(agentId)) heads.set(agentId, sha);
  }
  return heads;
}

/** What `agentId` changed since `base`: its head and the changed files. */
export async function agentChanges(repoDir: string, workflowId: string, agentId: string, base: string): Promise<AgentChanges> {
  const head = (await workflowHeads(repoDir, workflowId)).get(agentId);
  if (!head) throw new BatonError(`Agent ${agentId} has no branch in workflow ${workflowId}: it has not committed anything yet.`, 'Show the changes of another agent, or wait until this one commits.', 'usage');
  return { agentId, base, head, files: await changedFilesWithStatus(repoDir, base, head) };
}

/** The commit a ref names now. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoDir, okCodes: [1] });
  if (r.code !== 0) throw new BatonError(`${ref} does not exist any more.`, 'Its workflow may have ended and removed its branches; run Baton: Show Changes to see what is kept.', 'git');
  return r.stdout.trim();
}
