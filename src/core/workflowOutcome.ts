import type { TeamConfig } from './config/teamSchema';
import { BatonError, errorMessage, WorkflowPaused } from './errors';
import type { EventBus } from './events/eventBus';
import { MergeBlocked } from './git/land';
import type { WorkflowGraph } from './graph/graph';
import { settled } from './graph/inFlight';
import type { ApprovalRequest, WorkflowStateType } from './graph/state';
import { allDone, describeTally, ended, progressOf, tallyTasks } from './graph/taskTally';
import { routingOutcomes } from './learningMemory';
import type { LearningMemory } from './learningMemory';
import type { RunOutcome } from './engine';
import { integrationSummary } from './workflowEnd';
import type { PendingApproval, WorkflowRecord, WorkflowRecords } from './workflowRecords';

interface Deps {
  records: WorkflowRecords;
  bus: EventBus;
  team: TeamConfig;
  memory?: LearningMemory;
  spentUsd(workflowId: string): number;
  pendingApprovals(workflowId: string): Promise<PendingApproval[]>;
  record(workflowId: string): Promise<WorkflowRecord>;
  /** Removes the worktrees and branches of a workflow that just ended, unless they are kept. */
  cleanUp(workflowId: string): Promise<void>;
}

/**
 * How a run of the graph ends, in records and events: waiting for approvals (announced once),
 * completed or failed (learned from, then cleaned up), cancelled, or paused because a merge into
 * the user's branch cannot land yet. The engine's façade runs the graph; this says what it came to.
 */
export class WorkflowOutcomes {
  constructor(private readonly d: Deps) {}

  /** The outcome of a workflow that already ended, without announcing it again. */
  ended(record: WorkflowRecord): RunOutcome {
    if (record.status === 'completed') return { status: 'completed', summary: record.summary ?? '', costUsd: record.costUsd };
    if (record.status === 'cancelled') return { status: 'cancelled', costUsd: record.costUsd };
    return { status: 'failed', error: record.error ?? 'the workflow failed', costUsd: record.costUsd };
  }

  async stopped(workflowId: string, e: unknown, controller: AbortController): Promise<RunOutcome> {
    const cancelled = controller.signal.aborted;
    if (e instanceof MergeBlocked && !cancelled) {
      // Not a failure: nothing was changed, and `run` tries the merge again once the user made room for it.
      const costUsd = this.d.spentUsd(workflowId);
      const detail = e.describe();
      await this.d.records.update(workflowId, { status: 'paused', costUsd, currentStep: `merge blocked: ${detail}`.slice(0, 500), updatedAt: new Date().toISOString() });
      this.d.bus.emit(workflowId, 'workflow.paused', { reason: 'merge', detail: detail.slice(0, 500) });
      return { status: 'paused', reason: 'merge', detail, approvals: [], costUsd };
    }
    // invoke() rejects at once; the nodes still running stop and tidy up their worktrees first.
    if (!cancelled) controller.abort(new BatonError('The workflow stopped after an error.', undefined, 'cancelled'));
    await settled(controller.signal);
    const costUsd = this.d.spentUsd(workflowId);
    if (cancelled && controller.signal.reason instanceof WorkflowPaused) {
      // Paused, not ended: the branches, worktrees and conflict predictions stay for the resume.
      await this.d.records.update(workflowId, { status: 'paused', costUsd, currentStep: 'paused by the user', updatedAt: new Date().toISOString() });
      this.d.bus.emit(workflowId, 'workflow.paused', { reason: 'user' });
      return { status: 'paused', reason: 'user', approvals: [], costUsd };
    }
    if (cancelled) {
      await this.d.records.update(workflowId, { status: 'cancelled', costUsd, updatedAt: new Date().toISOString() });
      this.d.bus.emit(workflowId, 'workflow.cancelled', { reason: 'cancelled by the user', costUsd });
      await this.d.cleanUp(workflowId);
      return { status: 'cancelled', costUsd };
    }
    const error = errorMessage(e);
    await this.d.records.update(workflowId, { status: 'failed', costUsd, error, updatedAt: new Date().toISOString() });
    this.d.bus.emit(workflowId, 'workflow.failed', { error, costUsd });
    await this.d.cleanUp(workflowId);
    return { status: 'failed', error, costUsd };
  }

  async outcome(workflowId: string, snapshot: Awaited<ReturnType<WorkflowGraph['getState']>>, durationMs = 0, asked: ReadonlySet<string> = new Set()): Promise<RunOutcome> {
    const state = snapshot.values as WorkflowStateType;
    const costUsd = this.d.spentUsd(workflowId);
    const plan = state.plan ?? [];
    const running = tallyTasks(plan, state.results ?? {}, new Set(this.d.team.agents.filter((a) => a.optional).map((a) => a.id)));
    const now = new Date().toISOString();
    const pending = await this.d.pendingApprovals(workflowId);
    if (pending.length) {
      const record = await this.d.record(workflowId);
      const budget = pending.some((p) => p.trigger === 'budget');
      const announced = record.status === 'waiting' || record.status === 'paused';
      await this.d.records.update(workflowId, { status: budget ? 'paused' : 'waiting', costUsd, progress: progressOf(running, plan.length), currentStep: `waiting for ${pending.length} approval(s)`, updatedAt: now });
      if (!announced) {
        for (const p of pending.filter((q) => !asked.has(q.approvalId))) this.d.bus.emit(workflowId, 'approval.requested', { approvalId: p.approvalId, taskId: p.taskId, trigger: p.trigger as ApprovalRequest['trigger'], reason: p.reason, files: p.files });
        this.d.bus.emit(workflowId, 'workflow.paused', { reason: budget ? 'budget' : 'approval', detail: pending.map((p) => p.reason).join(' | ').slice(0, 500) });
      }
      return budget ? { status: 'paused', reason: 'budget', approvals: pending, costUsd } : { status: 'waiting', approvals: pending, costUsd };
    }
    await this.d.memory?.learn(workflowId, {
      task: state.task,
      outcomes: routingOutcomes(plan, state.results ?? {}, state.assignments ?? {}),
      retrospective: { lessons: state.lessons ?? [], worked: state.retrospective?.worked ?? [], failed: state.retrospective?.failed ?? [] },
    });
    const tally = ended(running);
    const progress = progressOf(tally, plan.length);
    // The counts first: what the workflow came to, before the details of each task and the merge.
    const counted = describeTally(tally, plan.length);
    const summary = [`${counted}.`, state.summary, integrationSummary(state)].filter(Boolean).join('\n');
    const counts = { tasksCompleted: tally.done.length, tasksFailed: tally.failed.length, tasksNotRun: tally.notRun.length + tally.removed.length };
    if (!allDone(tally)) {
      // `completed` is only said of work that was done: tasks that failed, or that never ran without a
      // person taking them out (a policy's rejection, a failed dependency), end the workflow failed.
      const failed = tally.failed.filter((f) => !f.optional);
      const error = [
        ...(failed.length ? [`${failed.length} task(s) failed: ${failed.map((f) => `${f.taskId} (${f.why})`).join('; ')}`] : []),
        ...(tally.notRun.length ? [`${tally.notRun.length} task(s) not run: ${tally.notRun.map((n) => `${n.taskId} (${n.why})`).join('; ')}`] : []),
      ].join('; ').slice(0, 1000);
      await this.d.records.update(workflowId, { status: 'failed', costUsd, progress, error, summary, currentStep: undefined, updatedAt: now });
      this.d.bus.emit(workflowId, 'workflow.failed', { error, costUsd, failedTaskIds: failed.map((f) => f.taskId), ...counts });
      await this.d.cleanUp(workflowId);
      return { status: 'failed', error, costUsd };
    }
    await this.d.records.update(workflowId, { status: 'completed', costUsd, progress, summary, currentStep: undefined, updatedAt: now });
    this.d.bus.emit(workflowId, 'workflow.completed', {
      summary: summary.slice(0, 4000), costUsd, durationMs, ...counts,
      ...(state.landed && state.landed.result === state.integration?.head ? { branch: state.landed.into } : state.integration?.merged.length ? { branch: state.integration.branch } : {}),
    });
    await this.d.cleanUp(workflowId);
    return { status: 'completed', summary, costUsd };
  }
}
