import { Send } from '@langchain/langgraph';
import { formatUsd } from '../../cost/money';
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

/** Named by the budget in force, so a raised budget that is reached again asks again. */
export function budgetApprovalId(state: Pick<WorkflowStateType, 'budgetUsd'>): string {
  return `budget-${state.budgetUsd >= 0.01 ? state.budgetUsd.toFixed(2) : String(Number(state.budgetUsd.toPrecision(3)))}`;
}

/** What the workflow has spent against its budget, in dollars and (when it holds one) in tokens. */
export function budgetReached(state: Pick<WorkflowStateType, 'workflowId' | 'budgetUsd' | 'budgetTokens'>, ctx: EngineContext): string | undefined {
  const spent = ctx.gateway.spentUsd(state.workflowId);
  if (state.budgetUsd > 0 && spent >= state.budgetUsd) return `The workflow has spent ${formatUsd(spent)} of its ${formatUsd(state.budgetUsd)} budget.`;
  const tokens = ctx.gateway.spentTokens(state.workflowId);
  if (state.budgetTokens > 0 && tokens >= state.budgetTokens) {
    return `The workflow has used ${tokens.toLocaleString('en-US')} tokens of its ${state.budgetTokens.toLocaleString('en-US')}-token budget (a model it uses has no known price, so its budget holds in tokens).`;
  }
  return undefined;
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
  const stops = [state.approvals[budgetApprovalId(state)], state.allowanceUsd > 0 ? state.approvals[allowanceApprovalId(state)] : undefined];
  const budgetStop = stops.find((d) => d?.decision === 'reject');
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
          : before?.decision === 'reject' ? `its approval was rejected${before.by === 'policy' ? ' by the approval policy' : ''}${before.reason ? `: ${before.reason}` : ''}` : undefined;
      if (!reason) continue;
      // Whose decision left it undone, if anyone's: a task blocked by a failure was not taken out by anybody.
      const removedBy = budgetStop ? budgetStop.by : blocked ? all()[blocked]?.removedBy : before?.by;
      results[t.id] = { taskId: t.id, agentId, status: before?.decision === 'reject' ? 'rejected' : 'skipped', summary: `Not run: ${reason}.`, confidence: 0, changedFiles: [], rounds: 0, ...(removedBy ? { removedBy } : {}) };
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
  const { update: reacting, reactions } = reactionsAfterWave({ ...state, results: all() }, ctx.team, budgetReached(state, ctx) === undefined);
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
      sends.push(approval({ workflowId: state.workflowId, request: r.approval, ...(r.approval.trigger === 'budget' ? { budgetUsd: state.budgetUsd, budgetTokens: state.budgetTokens } : {}) }));
      busy.add(r.approval.agentId ?? r.agentId);
    } else if (r.subWorkflow) {
      // An epic's approval was decided: its sub-workflow takes the decision and goes on.
      const task = state.plan.find((t) => t.id === r.taskId);
      if (task) sends.push(new Send('runEpic', epicInput(state, task)));
    }
  }
  const pending = state.plan.filter((t) => !state.results[t.id]);
  // A budget is a hard cap, whatever approvals.require says: the work stops there until a person raises
  // it or ends the work (no policy answers a budget stop, see policyDecider).
  const reached = pending.length ? budgetReached(state, ctx) : undefined;
  if (reached) {
    const approvalId = budgetApprovalId(state);
    if (!state.approvals[approvalId]) {
      const reason = `${reached} Raise the budget to go on (approve with a new budget), or reject to stop here; the work done so far is kept.`;
      sends.push(approval({ workflowId: state.workflowId, budgetUsd: state.budgetUsd, budgetTokens: state.budgetTokens, request: { approvalId, trigger: 'budget', phase: 'before', reason } }));
    }
    return sends.length ? sends : finish(state, ctx);
  }
  // A sub-workflow's own allowance inside the parent's budget (limits.epicBudgetShare).
  const own = state.allowanceUsd > 0 ? ctx.gateway.spentIn(state.workflowId, state.parentTaskId) : 0;
  if (pending.length && state.allowanceUsd > 0 && own >= state.allowanceUsd) {
    const approvalId = allowanceApprovalId(state);
    if (!state.approvals[approvalId]) {
      const reason = `Epic ${state.parentTaskId}'s sub-workflow has spent $${own.toFixed(2)} of its $${state.allowanceUsd.toFixed(2)} allowance (its share of the workflow's budget). Approve to raise its allowance and go on, or reject to stop the epic here.`;
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
    depth: state.depth, mode: state.mode, budgetUsd: state.budgetUsd, budgetTokens: state.budgetTokens, decisions: state.approvals,
  };
}
