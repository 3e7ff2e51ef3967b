import type { AgentConfig } from '../../config/teamSchema';
import type { TaskResult, TaskStatus, WorkflowStateType } from '../state';
import { allDone, describeTally, ended, tallyTasks } from '../taskTally';

/**
 * An epic's result from its sub-workflow's: failed if a required sub-task failed or never ran, rejected
 * (taken out by a person) if a person's decision left sub-tasks undone, else done. Its summary is the
 * sub-workflow's outcome, its files and commits those of all its sub-tasks.
 */
export function rollUp(epicId: string, sub: WorkflowStateType, team: AgentConfig[]): TaskResult {
  const optional = new Set(team.filter((a) => a.optional).map((a) => a.id));
  const tally = ended(tallyTasks(sub.plan, sub.results, optional));
  const ran = sub.plan.map((t) => sub.results[t.id]).filter((r): r is TaskResult => r !== undefined);
  const status: TaskStatus = !allDone(tally) ? 'failed' : tally.removed.length ? 'rejected' : 'done';
  const done = ran.filter((r) => r.status === 'done');
  const commits = done.flatMap((r) => r.commits ?? (r.commit ? [r.commit] : []));
  return {
    taskId: epicId,
    agentId: 'orchestrator',
    status,
    summary: `Epic ${epicId}, broken into ${sub.plan.length} task(s) by a sub-orchestrator (${describeTally(tally, sub.plan.length)}):\n${sub.summary}`,
    confidence: done.length ? Math.min(...done.map((r) => r.confidence)) : 0,
    changedFiles: [...new Set(done.flatMap((r) => r.changedFiles))],
    commit: commits.at(-1),
    commits,
    rounds: Math.max(0, ...ran.map((r) => r.rounds)),
    ...(status === 'rejected' ? { removedBy: 'user' as const } : {}),
    ...(status === 'failed' ? { error: [...tally.failed.filter((f) => !f.optional).map((f) => `${f.taskId} failed`), ...tally.notRun.map((n) => `${n.taskId} not run (${n.why})`)].join('; ') } : {}),
  };
}
