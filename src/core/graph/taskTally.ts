import type { PlannedTask } from './schemas';
import type { TaskResult } from './state';

export interface TalliedTask {
  taskId: string;
  /** Why it is where it is, in a few words a person reads in a summary. */
  why: string;
}

/**
 * Where the planned tasks of a workflow (or of an epic's sub-workflow) stand, as a person would count
 * them. `removed`: a person's decision took them out (rejected at an approval, or stopped at the
 * budget), which still lets a workflow complete; `notRun`: settled without running for any other
 * reason; `pending`: not settled yet (not started, or waiting for an approval), which at the end of a
 * workflow means never run.
 */
export interface TaskTally {
  done: string[];
  failed: (TalliedTask & { optional: boolean })[];
  notRun: TalliedTask[];
  removed: TalliedTask[];
  pending: TalliedTask[];
}

export function tallyTasks(plan: readonly PlannedTask[], results: Readonly<Record<string, TaskResult>>, optionalAgents: ReadonlySet<string>): TaskTally {
  const tally: TaskTally = { done: [], failed: [], notRun: [], removed: [], pending: [] };
  for (const t of plan) {
    const r = results[t.id];
    const why = !r ? 'it never ran'
      : r.status === 'rejected' ? `its change was rejected${r.removedBy === 'policy' ? ' by the approval policy' : ''}`
        : r.summary.replace(/^Not run: /, '').replace(/\.$/, '').slice(0, 200);
    if (!r) tally.pending.push({ taskId: t.id, why });
    else if (r.status === 'done') tally.done.push(t.id);
    else if (r.status === 'failed') tally.failed.push({ taskId: t.id, why: (r.error ?? r.summary).slice(0, 300), optional: optionalAgents.has(r.agentId) });
    else if (r.status === 'needs-approval') tally.pending.push({ taskId: t.id, why: 'it waits for an approval' });
    else if (r.removedBy === 'user') tally.removed.push({ taskId: t.id, why });
    else if (r.status === 'rejected' && !r.removedBy) tally.failed.push({ taskId: t.id, why: `its reviewer rejected it: ${r.summary.slice(0, 200)}`, optional: optionalAgents.has(r.agentId) });
    else tally.notRun.push({ taskId: t.id, why });
  }
  return tally;
}

/** Done: nothing failed (but an optional agent's task) and nothing was left undone but by a person. */
export function allDone(tally: TaskTally): boolean {
  return tally.notRun.length === 0 && tally.pending.length === 0 && tally.failed.every((f) => f.optional);
}

/** The tally of a workflow that ended: what was still pending never ran. */
export function ended(tally: TaskTally): TaskTally {
  return { ...tally, notRun: [...tally.notRun, ...tally.pending], pending: [] };
}

/** As `baton status` and the HTTP API count them: done, failed, and settled without running. */
export function progressOf(tally: TaskTally, total: number): { done: number; failed: number; notRun: number; total: number } {
  return { done: tally.done.length, failed: tally.failed.length, notRun: tally.notRun.length + tally.removed.length, total };
}

/** "4 of 6 tasks done, 1 failed (t5), 1 not run (t6: it depends on t5, which did not complete)". */
export function describeTally(tally: TaskTally, total: number): string {
  const parts = [`${tally.done.length} of ${total} task${total === 1 ? '' : 's'} done`];
  if (tally.failed.length) parts.push(`${tally.failed.length} failed (${tally.failed.map((f) => `${f.taskId}${f.optional ? ', optional' : ''}`).join(', ')})`);
  if (tally.notRun.length) parts.push(`${tally.notRun.length} not run (${tally.notRun.map((n) => `${n.taskId}: ${n.why}`).join('; ')})`);
  if (tally.removed.length) parts.push(`${tally.removed.length} taken out by you (${tally.removed.map((n) => n.taskId).join(', ')})`);
  return parts.join(', ');
}
