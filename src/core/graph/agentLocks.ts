import { Mutex } from '../git/mutex';
import type { AgentWorkspaces } from '../git/workspaces';

// One lock per agent worktree. Two tasks for the same agent may be ready in the same wave, a handoff
// may land on an agent that is busy, and a rejection may reset a branch: all of them write in the same
// worktree, and git fails (index.lock) or mixes their changes into one commit if they overlap. Keyed by
// the engine's AgentWorkspaces, so two engines (two repositories) never share a lock.
const locks = new WeakMap<AgentWorkspaces, Map<string, Mutex>>();

/**
 * The lock of `agentId`'s worktree in a workflow. Never take a second lock while holding one (a task
 * releases its author's lock before it delivers handoffs): that is what keeps this deadlock-free.
 */
export function worktreeLock(workspaces: AgentWorkspaces, workflowId: string, agentId: string): Mutex {
  let byAgent = locks.get(workspaces);
  if (!byAgent) locks.set(workspaces, (byAgent = new Map()));
  const key = `${workflowId}/${agentId}`;
  let lock = byAgent.get(key);
  if (!lock) byAgent.set(key, (lock = new Mutex()));
  return lock;
}
