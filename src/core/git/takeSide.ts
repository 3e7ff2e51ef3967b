import { BatonError } from '../errors';
import { runGit } from './gitRunner';
import { checkRepoPath } from './refFiles';
import { branchName, integrationName } from './workspaces';
import type { AgentWorkspaces } from './workspaces';

export interface TakeSideRequest {
  workflowId: string;
  /** The workflow's base commit: where a worktree that has to be made again starts. */
  baseCommit: string;
  path: string;
  /** The agent whose version of the file stays. */
  keep: string;
  /** The agent whose change to the file is undone, by a commit on its own branch. */
  undo: string;
}

export interface TakeSideResult {
  branch: string;
  /** The merge base the file went back to. */
  base: string;
  /** The new commit on `branch`; undefined when the branch already had the base's version. */
  sha: string | undefined;
}

/**
 * Resolves a conflict between two agents over one file by taking one side: on the other agent's
 * branch, in that agent's worktree under .git/baton/, the file goes back to the two branches'
 * merge base in a commit of its own. The user's working tree, index and branch are not touched,
 * and the undone version stays in the branch's history.
 */
export async function takeSide(workspaces: AgentWorkspaces, req: TakeSideRequest): Promise<TakeSideResult> {
  const path = checkRepoPath(req.path);
  const agentId = /^[\w.-]+$/;
  if (!agentId.test(req.keep) || !agentId.test(req.undo) || req.keep === req.undo || [req.keep, req.undo].includes(integrationName)) {
    throw new BatonError(`Cannot take ${req.keep}'s side against ${req.undo}: name two different agents of the workflow.`, undefined, 'usage');
  }
  const keep = branchName(req.workflowId, req.keep);
  const undo = branchName(req.workflowId, req.undo);
  const cwd = workspaces.repoDir;
  for (const b of [keep, undo]) {
    const found = await runGit(['show-ref', '--verify', '--quiet', `refs/heads/${b}`], { cwd, okCodes: [1] });
    if (found.code !== 0) throw new BatonError(`Branch ${b} does not exist any more: the workflow ended and its branches were removed, so there is no conflict left to resolve.`, 'Reload the window if the marker stays.', 'usage');
  }
  const base = (await runGit(['merge-base', keep, undo], { cwd })).stdout.trim();
  const ws = await workspaces.ensure(req.workflowId, req.undo, req.baseCommit);
  const sha = await workspaces.restoreFile(ws, path, base, `Take ${req.keep}'s side of ${path}`,
    `${path} goes back to ${base.slice(0, 7)} on ${undo}, so it no longer conflicts with ${keep}. Asked by the user in the editor.\n\nBaton-Resolution: ${req.keep}`);
  return { branch: undo, base, sha };
}
