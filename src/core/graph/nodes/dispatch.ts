import { Send } from '@langchain/langgraph';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { engineContext } from '../context';
import type { ApprovalInput, TaskInput, TaskResult, WorkflowStateType, WorkflowUpdate } from '../state';

export function budgetApprovalId(state: WorkflowStateType): string {
  return `budget-${state.budgetUsd.toFixed(2)}`;
}

/**
 * Settles what can be settled without running anything: tasks whose dependencies failed, were
 * rejected or skipped are skipped; tasks whose pre-run approval was rejected are rejected; a
 * rejected budget stop skips everything not started.
 */
export function dispatch(state: WorkflowStateType): WorkflowUpdate {
  const results: Record<string, TaskResult> = settleApprovals(state);
  const all = () => ({ ...state.results, ...results });
  const budgetStop = state.approvals[budgetApprovalId(state)]?.decision === 'reject';
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
  return Object.keys(results).length ? { results } : {};
}

/** Applies the decisions of "after" approvals to the tasks they gate. */
function settleApprovals(state: WorkflowStateType): Record<string, TaskResult> {
  const results: Record<string, TaskResult> = {};
  for (const r of Object.values(state.results)) {
    const d = r.status === 'needs-approval' && r.approval ? state.approvals[r.approval.approvalId] : undefined;
    if (!d) continue;
    results[r.taskId] = d.decision === 'approve'
      ? { ...r, status: 'done', approval: undefined }
      : { ...r, status: 'rejected', approval: undefined, summary: `${r.summary} (rejected${d.reason ? `: ${d.reason}` : ''})` };
  }
  return results;
}

/** The next wave: approvals still open, and every task whose dependencies are done, in parallel. */
export function nextSteps(state: WorkflowStateType, config: LangGraphRunnableConfig): Send[] | 'reflect' {
  const ctx = engineContext(config);
  const approval = (input: ApprovalInput) => new Send('approve', input);
  const sends: Send[] = [];
  for (const r of Object.values(state.results)) {
    if (r.status === 'needs-approval' && r.approval && !state.approvals[r.approval.approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, request: r.approval }));
    }
  }
  const spent = ctx.gateway.spentUsd(state.workflowId);
  const pending = state.plan.filter((t) => !state.results[t.id]);
  if (pending.length && state.budgetUsd > 0 && spent >= state.budgetUsd && ctx.approvals.require.has('budget')) {
    const approvalId = budgetApprovalId(state);
    if (!state.approvals[approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, budgetUsd: state.budgetUsd, request: { approvalId, trigger: 'budget', phase: 'before', reason: `The workflow has spent $${spent.toFixed(2)} of its $${state.budgetUsd.toFixed(2)} budget. Approve to double the budget and go on, or reject to stop.` } }));
    }
    return sends.length ? sends : 'reflect';
  }
  const busy = new Set<string>();
  for (const t of pending) {
    if (!t.dependsOn.every((d) => state.results[d]?.status === 'done')) continue;
    const risky = t.risks.filter((r) => ctx.approvals.require.has(r));
    const approvalId = `${t.id}-before`;
    if (risky.length && !state.approvals[approvalId]) {
      sends.push(approval({ workflowId: state.workflowId, request: { approvalId, taskId: t.id, trigger: risky[0]!, phase: 'before', files: t.files, reason: `Task ${t.id} "${t.title}" was planned as risky (${risky.join(', ')}); approve before it runs.` } }));
      continue;
    }
    const assignment = state.assignments[t.id];
    if (!assignment) continue;
    // An agent works on one task at a time, in its one worktree: its next task waits for the next wave.
    if (busy.has(assignment.agentId)) continue;
    busy.add(assignment.agentId);
    const upstream = t.dependsOn.map((d) => state.results[d]!).map((r) => ({ taskId: r.taskId, agentId: r.agentId, summary: r.summary, commit: r.commit }));
    const input: TaskInput = { workflowId: state.workflowId, task: t, assignment, upstream };
    sends.push(new Send('runTask', input));
  }
  // Nothing left to start: finish reports any task that never ran.
  return sends.length ? sends : 'reflect';
}
