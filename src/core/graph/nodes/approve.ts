import { interrupt } from '@langchain/langgraph';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { engineContext } from '../context';
import type { ApprovalDecision, ApprovalInput, WorkflowUpdate } from '../state';

/**
 * The human gate, in a node of its own: a node re-runs from its top on every resume, so nothing
 * with a side effect (model call, tool call, commit) may come before interrupt() here. Parallel
 * approvals are parallel instances of this node, each with its own interrupt.
 */
export function approve(input: ApprovalInput, config: LangGraphRunnableConfig): WorkflowUpdate {
  const ctx = engineContext(config);
  const { request } = input;
  const decision: ApprovalDecision = ctx.decideByPolicy?.(request) ?? normalize(interrupt(request));
  const update: WorkflowUpdate = { approvals: { [request.approvalId]: decision } };
  if (request.trigger === 'budget' && decision.decision === 'approve') {
    if (input.allowanceUsd) update.allowanceUsd = input.allowanceUsd * 2;
    else if (input.budgetUsd) update.budgetUsd = input.budgetUsd * 2;
  }
  return update;
}

function normalize(value: unknown): ApprovalDecision {
  const v = (value ?? {}) as Partial<ApprovalDecision>;
  return { decision: v.decision === 'approve' ? 'approve' : 'reject', reason: typeof v.reason === 'string' ? v.reason : undefined, by: v.by === 'policy' ? 'policy' : 'user' };
}
