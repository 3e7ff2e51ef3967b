import type { WorkflowRecord } from './workflowRecords';

/** Whether a process of this machine still runs (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A workflow whose record says queued or running while no process runs it: killed, crashed, or its
 * window closed or reloaded. Its checkpoint (if it got one) keeps it resumable.
 */
export function halted(r: WorkflowRecord): 'interrupted' | 'not started' | undefined {
  if (r.runnerPid !== undefined && processAlive(r.runnerPid)) return undefined;
  if (r.status === 'running') return 'interrupted';
  if (r.status === 'queued') return 'not started';
  return undefined;
}
