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
    // Only a person answers a budget stop (policyDecider leaves it to one), and the figure is theirs: an
    // approval without one (Engine.decide refuses it) raises nothing, and the tasks left stay not run.
    if (input.allowanceUsd) update.allowanceUsd = decision.budgetUsd ?? input.allowanceUsd * 2;
    else if (input.budgetUsd && decision.budgetUsd) {
      update.budgetUsd = decision.budgetUsd;
      if (input.budgetTokens) update.budgetTokens = Math.round(input.budgetTokens * (decision.budgetUsd / input.budgetUsd));
    }
  }
  return update;
}

/** The resume value that leaves an approval open while the graph goes on to other work. */
export interface DeferredApproval {
  defer: true;
}

function normalize(value: unknown): ApprovalDecision {
  const v = (value ?? {}) as Partial<ApprovalDecision>;
  const budgetUsd = typeof v.budgetUsd === 'number' && v.budgetUsd > 0 ? { budgetUsd: v.budgetUsd } : {};
  return { decision: v.decision === 'approve' ? 'approve' : 'reject', reason: typeof v.reason === 'string' ? v.reason : undefined, by: v.by === 'policy' ? 'policy' : 'user', ...budgetUsd };
}
