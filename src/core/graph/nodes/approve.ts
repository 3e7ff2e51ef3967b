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
  const answer = ctx.decideByPolicy?.(request) ?? interrupt(request);
  // Put off (the user asked for work first, see Engine.askToResolve): no decision; dispatch asks again.
  if ((answer as Partial<DeferredApproval> | undefined)?.defer === true) return {};
  const decision = normalize(answer);
  const update: WorkflowUpdate = { approvals: { [request.approvalId]: decision } };
  if (request.trigger === 'budget' && decision.decision === 'approve') {
    if (input.allowanceUsd) update.allowanceUsd = input.allowanceUsd * 2;
    else if (input.budgetUsd) update.budgetUsd = input.budgetUsd * 2;
  }
  return update;
}

/** The resume value that leaves an approval open while the graph goes on to other work. */
export interface DeferredApproval {
  defer: true;
}

function normalize(value: unknown): ApprovalDecision {
  const v = (value ?? {}) as Partial<ApprovalDecision>;
  return { decision: v.decision === 'approve' ? 'approve' : 'reject', reason: typeof v.reason === 'string' ? v.reason : undefined, by: v.by === 'policy' ? 'policy' : 'user' };
}
