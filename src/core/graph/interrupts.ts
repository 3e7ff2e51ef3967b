import type { StateSnapshot } from '@langchain/langgraph';
import type { PendingApproval } from '../workflowRecords';
import type { ApprovalRequest } from './state';

export interface OpenApproval {
  /** LangGraph's interrupt id, to resume exactly this one. */
  interruptId: string;
  request: ApprovalRequest;
}

/**
 * The approvals a paused graph is waiting for. A snapshot keeps listing the interrupt of an approval
 * that was already answered while a sibling in the same superstep still waits; such a task carries
 * its result, so it is left out here, or the user would be asked again.
 */
export function openApprovals(snapshot: StateSnapshot): OpenApproval[] {
  return snapshot.tasks.filter((t) => t.result === undefined).flatMap((t) => t.interrupts).flatMap((i) => {
    const request = i.value as ApprovalRequest | undefined;
    return request?.approvalId && i.id ? [{ interruptId: i.id, request }] : [];
  });
}

/** The open approvals as the records, the CLI and the extension list them. */
export function pendingApprovalsIn(snapshot: StateSnapshot): PendingApproval[] {
  return openApprovals(snapshot).map(({ interruptId, request: r }) => ({ approvalId: r.approvalId, interruptId, taskId: r.taskId, trigger: r.trigger, reason: r.reason, files: r.files }));
}
