import type { AgentConfig } from '../../config/teamSchema';
import type { TaskResult, TaskStatus, WorkflowStateType } from '../state';

/**
 * An epic's result from its sub-workflow's: failed if a required sub-task failed or never ran,
 * rejected if one was rejected (by a reviewer or a person), else done. Its summary is the
 * sub-workflow's outcome, its files and commits those of all its sub-tasks.
 */
export function rollUp(epicId: string, sub: WorkflowStateType, team: AgentConfig[]): TaskResult {
  const optional = new Set(team.filter((a) => a.optional).map((a) => a.id));
  const results = sub.plan.map((t) => sub.results[t.id]);
  const ran = results.filter((r): r is TaskResult => r !== undefined);
  const failed = ran.filter((r) => r.status === 'failed' && !optional.has(r.agentId)).map((r) => r.taskId);
  const missing = sub.plan.filter((t) => !sub.results[t.id]).map((t) => t.id);
  const status: TaskStatus = failed.length || missing.length ? 'failed' : ran.some((r) => r.status === 'rejected') ? 'rejected' : 'done';
  const done = ran.filter((r) => r.status === 'done');
  const commits = done.flatMap((r) => r.commits ?? (r.commit ? [r.commit] : []));
  return {
    taskId: epicId,
    agentId: 'orchestrator',
    status,
    summary: `Epic ${epicId}, broken into ${sub.plan.length} task(s) by a sub-orchestrator:\n${sub.summary}`,
    confidence: done.length ? Math.min(...done.map((r) => r.confidence)) : 0,
    changedFiles: [...new Set(done.flatMap((r) => r.changedFiles))],
    commit: commits.at(-1),
    commits,
    rounds: Math.max(0, ...ran.map((r) => r.rounds)),
    ...(status === 'failed' ? { error: [...failed.map((id) => `${id} failed`), ...missing.map((id) => `${id} never ran`)].join('; ') } : {}),
  };
}
