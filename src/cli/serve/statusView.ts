import type { PendingApproval, WorkflowProgress, WorkflowRecord } from '../../core/workflowRecords';
import type { WorkflowActivity } from './workflowTracker';

/** GET /api/v1/workflows/:id, in the contract's snake_case (DESIGN.md §2). */
export interface WorkflowStatusBody {
  workflow_id: string;
  task: string;
  mode: string;
  status: WorkflowRecord['status'];
  progress: WorkflowProgress;
  current_step: string | null;
  agents: {
    agent_id: string;
    status: string;
    current_task: { id: string; title: string | null } | null;
    tasks_done: number;
    tasks_failed: number;
    cost_usd: number;
  }[];
  cost_usd: number;
  budget_usd: number;
  created_at: string;
  updated_at: string;
  estimated_completion: string | null;
  pending_approvals: { approval_id: string; trigger: string; reason: string; task_id: string | null; files: string[] }[];
  summary: string | null;
  error: string | null;
}

const live = new Set<WorkflowRecord['status']>(['queued', 'running']);

/**
 * Merges the stored record with what this server saw on the bus. The record is the truth once a
 * run stops (it is written then); while one runs, only the events know progress, step and cost.
 */
export function workflowStatus(record: WorkflowRecord, pending: PendingApproval[], activity: WorkflowActivity | undefined, now = Date.now()): WorkflowStatusBody {
  const running = live.has(record.status);
  const progress = running && activity?.progress ? activity.progress : record.progress;
  const step = running ? activity?.step ?? record.currentStep : record.currentStep;
  return {
    workflow_id: record.id,
    task: record.task,
    mode: record.mode,
    status: record.status,
    progress,
    current_step: step ?? null,
    agents: (activity?.agents ?? []).map((a) => ({
      agent_id: a.agentId,
      status: a.status,
      current_task: a.currentTask ? { id: a.currentTask.id, title: a.currentTask.title ?? null } : null,
      tasks_done: a.tasksDone,
      tasks_failed: a.tasksFailed,
      cost_usd: round(a.costUsd),
    })),
    cost_usd: round(Math.max(record.costUsd, activity?.costUsd ?? 0)),
    budget_usd: record.budgetUsd,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    estimated_completion: estimate(record, progress, activity, now),
    pending_approvals: pending.map((p) => ({ approval_id: p.approvalId, trigger: p.trigger, reason: p.reason, task_id: p.taskId ?? null, files: p.files ?? [] })),
    summary: record.summary ?? null,
    error: record.error ?? null,
  };
}

/**
 * When a running workflow should end, at the pace of its finished tasks so far: running time per
 * finished task times the tasks left. Unknown (null) before the first task finishes and while it
 * waits for a person; a completed workflow reports when it completed.
 */
export function estimate(record: WorkflowRecord, progress: WorkflowProgress, activity: WorkflowActivity | undefined, now: number): string | null {
  if (record.status === 'completed') return record.updatedAt;
  if (!live.has(record.status)) return null;
  // Failed tasks took their time too: the pace is that of the tasks that ended, whichever way.
  const done = progress.done + progress.failed + progress.notRun;
  const { total } = progress;
  if (done <= 0 || total <= 0 || done >= total) return null;
  const elapsed = activity?.activeMs ?? now - Date.parse(record.createdAt);
  if (!Number.isFinite(elapsed) || elapsed <= 0) return null;
  return new Date(now + (elapsed / done) * (total - done)).toISOString();
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
