import { Send } from '@langchain/langgraph';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { engineContext } from '../context';
import type { EngineContext } from '../context';
import { snapshotBeforeWave } from '../snapshots';
import { isEpic } from '../modes';
import type { PlannedTask } from '../schemas';
import type { ApprovalInput, EpicInput, TaskInput, TaskResult, WorkflowStateType, WorkflowUpdate } from '../state';
import { integrationCurrent } from './integrate';
import { hasResult, landedNow, mergeApprovalId, mergeRequest } from './land';
import { reactionsAfterWave } from './reactions';
import { settleApprovals } from './settle';

export function budgetApprovalId(state: WorkflowStateType): string {
  return `budget-${state.budgetUsd.toFixed(2)}`;
}

/** A sub-workflow's allowance stop, named by its epic so it never mixes with the parent's budget stop. */
export function allowanceApprovalId(state: WorkflowStateType): string {
  return `allowance-${state.parentTaskId}-${state.allowanceUsd.toFixed(2)}`;
}

/**
 * Settles what can be settled without running anything: decided approvals; tasks whose
 * dependencies failed, were rejected or skipped; tasks whose pre-run approval was rejected; a
 * rejected budget stop skips everything not started. In event-driven mode it then adds the
 * subscribers' reactions to what the last wave produced.
 */
export async function dispatch(state: WorkflowStateType, config: LangGraphRunnableConfig): Promise<WorkflowUpdate> {
  const ctx = engineContext(config);
  const results: Record<string, TaskResult> = await settleApprovals(ctx, state);
  const all = () => ({ ...state.results, ...results });
  const budgetStop = state.approvals[budgetApprovalId(state)]?.decision === 'reject' || (state.allowanceUsd > 0 && state.approvals[allowanceApprovalId(state)]?.decision === 'reject');
  let changed = true;
  while (changed) {
    changed = false;
    for (const t of state.plan) {
      if (all()[t.id]) continue;
      const agentId = state.assignments[t.id]?.agentId ?? 'unassigned';
      const blocked = t.dependsOn.find((d) => ['failed', 'rejected', 'skipped'].includes(all()[d]?.status ?? ''));
      const before = state.approvals[`${t.id}-before`];
      const reason = budgetStop ? 'the budget was reached and the workflow was stopped'
        : blocked ? `it depends on ${blocked}, which did not complete`
          : before?.decision === 'reject' ? `its approval was rejected${before.reason ? `: ${before.reason}` : ''}` : undefined;
      if (!reason) continue;
      results[t.id] = { taskId: t.id, agentId, status: before?.decision === 'reject' ? 'rejected' : 'skipped', summary: `Not run: ${reason}.`, confidence: 0, changedFiles: [], rounds: 0 };
      changed = true;
    }
  }
  const update: WorkflowUpdate = Object.keys(results).length ? { results } : {};
  const unsettled = state.plan.some((t) => { const r = all()[t.id]; return !r || r.status === 'needs-approval'; });
  // A sub-workflow's waves are covered by its parent's snapshots, which list every branch of the workflow.
  // The merge approval is an approval like the others: the branches as they are before it are recorded too.
  const askingMerge = !unsettled && ctx.merge && integrationCurrent(state) && hasResult(state, ctx.baseCommit) && !state.approvals[mergeApprovalId];
  if ((unsettled || askingMerge) && state.depth === 0) update.snapshots = await snapshotBeforeWave(ctx, state, config);
  if (state.mode !== 'event-driven') return update;
  const spent = ctx.gateway.spentUsd(state.workflowId);
  const { update: reacting, reactions } = reactionsAfterWave({ ...state, results: all() }, ctx.team, !(state.budgetUsd > 0 && spent >= state.budgetUsd));
  for (const { task, assignment } of reactions) {
    ctx.bus.emit(state.workflowId, 'task.routed', { taskId: task.id, agentId: assignment.agentId, strategy: 'subscription', rationale: assignment.rationale });
  }
  return { ...update, ...reacting };
}

/** The next wave: approvals still open, and every task whose dependencies are done, in parallel. */
export function nextSteps(state: WorkflowStateType, config: LangGraphRunnableConfig): Send[] | Finish {
  const ctx = engineContext(config);
  const approval = (input: ApprovalInput) => new Send('approve', input);
  const sends: Send[] = [];
  // One task per agent per wave, and none for an agent whose change waits for a decision: its tasks
  // share one branch, and a rejection moves that branch back, which must not take later work with it.
  const busy = new Set<string>();
  for (const r of Object.values(state.results)) {
    if (r.status !== 'needs-approval' || !r.approval) continue;
    if (!state.approvals[r.approval.approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, request: r.approval, budgetUsd: r.approval.trigger === 'budget' ? state.budgetUsd : undefined }));
      busy.add(r.approval.agentId ?? r.agentId);
    } else if (r.subWorkflow) {
      // An epic's approval was decided: its sub-workflow takes the decision and goes on.
      const task = state.plan.find((t) => t.id === r.taskId);
      if (task) sends.push(new Send('runEpic', epicInput(state, task)));
    }
  }
  const spent = ctx.gateway.spentUsd(state.workflowId);
  const pending = state.plan.filter((t) => !state.results[t.id]);
  if (pending.length && state.budgetUsd > 0 && spent >= state.budgetUsd && ctx.approvals.require.has('budget')) {
    const approvalId = budgetApprovalId(state);
    if (!state.approvals[approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, budgetUsd: state.budgetUsd, request: { approvalId, trigger: 'budget', phase: 'before', reason: `The workflow has spent $${spent.toFixed(2)} of its $${state.budgetUsd.toFixed(2)} budget. Approve to double the budget and go on, or reject to stop.` } }));
    }
    return sends.length ? sends : finish(state, ctx);
  }
  // A sub-workflow's own allowance inside the parent's budget (limits.epicBudgetShare).
  const own = state.allowanceUsd > 0 ? ctx.gateway.spentIn(state.workflowId, state.parentTaskId) : 0;
  if (pending.length && state.allowanceUsd > 0 && own >= state.allowanceUsd && ctx.approvals.require.has('budget')) {
    const approvalId = allowanceApprovalId(state);
    if (!state.approvals[approvalId]) {
      const reason = `Epic ${state.parentTaskId}'s sub-workflow has spent $${own.toFixed(2)} of its $${state.allowanceUsd.toFixed(2)} allowance (its share of the workflow's budget). Approve to double its allowance and go on, or reject to stop the epic here.`;
      sends.push(approval({ workflowId: state.workflowId, allowanceUsd: state.allowanceUsd, request: { approvalId, trigger: 'budget', phase: 'before', reason } }));
    }
    return sends.length ? sends : finish(state, ctx);
  }
  for (const t of pending) {
    if (!t.dependsOn.every((d) => state.results[d]?.status === 'done')) continue;
    const risky = t.risks.filter((r) => ctx.approvals.require.has(r));
    const approvalId = `${t.id}-before`;
    if (risky.length && !state.approvals[approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, request: { approvalId, taskId: t.id, trigger: risky[0]!, phase: 'before', files: t.files, reason: `Task ${t.id} "${t.title}" was planned as risky (${risky.join(', ')}); approve before it runs.` } }));
      continue;
    }
    if (isEpic(t, state, ctx.team)) {
      sends.push(new Send('runEpic', epicInput(state, t)));
      continue;
    }
    const assignment = state.assignments[t.id];
    if (!assignment || busy.has(assignment.agentId)) continue;
    busy.add(assignment.agentId);
    const input: TaskInput = { ...taskInput(state, t), assignment, approvedRisks: risky.length ? risky : undefined };
    sends.push(new Send('runTask', input));
  }
  // Nothing left to start: integrate, merge, and reflect (which reports any task that never ran).
  return sends.length ? sends : finish(state, ctx);
}

type Finish = 'integrate' | 'land' | 'reflect' | Send[];

/**
 * When the work is done: integrate the branches (again, after fix tasks), ask to merge the result,
 * land it once approved, then reflect. A sub-workflow leaves all that to the top workflow.
 */
function finish(state: WorkflowStateType, ctx: EngineContext): Finish {
  if (state.depth > 0) return 'reflect';
  if (!integrationCurrent(state)) return 'integrate';
  if (!ctx.merge || !hasResult(state, ctx.baseCommit)) return 'reflect';
  const decision = state.approvals[mergeApprovalId];
  if (!decision) return [new Send('approve', { workflowId: state.workflowId, request: mergeRequest(state) } satisfies ApprovalInput)];
  return decision.decision === 'approve' && !landedNow(state) ? 'land' : 'reflect';
}

function taskInput(state: WorkflowStateType, t: PlannedTask): Omit<TaskInput, 'assignment'> {
  const upstream = t.dependsOn.map((d) => state.results[d]!).map((r) => ({ taskId: r.taskId, agentId: r.agentId, summary: r.summary, commit: r.commit }));
  return { workflowId: state.workflowId, task: t, upstream };
}

function epicInput(state: WorkflowStateType, t: PlannedTask): EpicInput {
  return {
    ...taskInput(state, t), assignment: { agentId: 'orchestrator', rationale: 'an epic for a sub-orchestrator', strategy: 'llm' },
    depth: state.depth, mode: state.mode, budgetUsd: state.budgetUsd, decisions: state.approvals,
  };
}
