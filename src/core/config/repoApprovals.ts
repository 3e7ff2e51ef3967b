import type { TeamConfig } from './teamSchema';
import { approvalTriggers } from './vocabulary';
import type { ApprovalTrigger } from './vocabulary';

// A repository's approvals only add to the user's: a cloned repository must not switch off the stops its user
// asked for (`approvals: { require: [] }` once removed the user's `dependencies` approval).

/** Baton's own largeChange limit; a repository may lower it (ask more often), never raise it. */
export const defaultLargeChangeFiles = 10;
export const defaultConfidenceThreshold = 0.6;

export interface UserApprovals {
  /** The user's triggers (`baton.approvals.require`, BATON_APPROVALS); unset: every trigger. */
  require?: readonly ApprovalTrigger[];
  confidenceThreshold?: number;
}

export interface ApprovalsInForce {
  require: ApprovalTrigger[];
  confidenceThreshold: number;
  largeChangeFiles: number;
}

/** The user's triggers and the repository's together, the higher threshold, the lower largeChange limit. */
export function approvalsInForce(user: UserApprovals, repo: TeamConfig['approvals']): ApprovalsInForce {
  const require = new Set<ApprovalTrigger>([...(user.require ?? approvalTriggers), ...(repo.require ?? [])]);
  return {
    // In the vocabulary's order, so the same policy always reads the same.
    require: approvalTriggers.filter((t) => require.has(t)),
    confidenceThreshold: Math.max(user.confidenceThreshold ?? defaultConfidenceThreshold, repo.confidenceThreshold ?? 0),
    largeChangeFiles: Math.min(repo.largeChangeFiles, defaultLargeChangeFiles),
  };
}
