import { Annotation } from '@langchain/langgraph';
import type { ApprovalTrigger, WorkflowMode } from '../config/vocabulary';
import type { HandoffMessage, PlannedTask } from './schemas';

export interface Assignment {
  agentId: string;
  rationale: string;
  strategy: 'llm' | 'contract-net' | 'capability-match' | 'fallback' | 'subscription' | 'integration' | 'user';
}

export type TaskStatus = 'done' | 'failed' | 'rejected' | 'skipped' | 'needs-approval';

export interface TaskResult {
  taskId: string;
  agentId: string;
  status: TaskStatus;
  summary: string;
  confidence: number;
  changedFiles: string[];
  commit?: string;
  rounds: number;
  error?: string;
  /** What kind of failure (timeout, max-steps, model, config...), for the learning memory. */
  errorKind?: string;
  handoffs?: HandoffMessage[];
  /** Set while status is needs-approval. */
  approval?: ApprovalRequest;
  /** The change a 'secret' approval decides on, kept on no branch (AgentWorkspaces.hold) until then. */
  held?: { sha: string; ref: string; files: string[] };
  /**
   * Rejected or not run because of a decision, and whose: a person's (`completed` may still be said: they
   * took the task out) or a policy's (`--approve never`: the work was not done, so the workflow did not complete).
   */
  removedBy?: 'user' | 'policy';
  /** The agent's branch head before the task: where a rejected change is moved back to. */
  startHead?: string;
  /** The last review's verdict, when the task was reviewed (event-driven mode reacts to it). */
  verdict?: 'approve' | 'request_changes' | 'reject';
  /** Hierarchical mode: the sub-workflow's checkpoint thread, and every commit its tasks made. */
  subWorkflow?: string;
  commits?: string[];
}

export interface ApprovalRequest {
  approvalId: string;
  taskId?: string;
  /** 'secret': the agent's commit would hold what looks like a secret; only a person approves it (policyDecider). */
  trigger: ApprovalTrigger | 'command' | 'merge' | 'secret';
  reason: string;
  files?: string[];
  /** Before the task runs (a risk the plan named) or after (what its change touched). */
  phase: 'before' | 'after';
  /** The agent whose branch holds the change waiting for the decision: it starts nothing else meanwhile. */
  agentId?: string;
}

export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  reason?: string;
  by: 'user' | 'policy';
  /** A budget stop approved by a person: the budget they chose. Nothing else raises a budget. */
  budgetUsd?: number;
}

/** A branch integration could not merge (textual), or whose work breaks the project's check (semantic). */
export interface IntegrationConflict {
  id: string;
  kind: 'textual' | 'semantic';
  /** The agents whose branches are concerned; for a semantic conflict, the ones asked to fix it. */
  agents: string[];
  branches: string[];
  files: string[];
  description: string;
}

/** What the integrate step made of the agents' branches (docs/decisions/0012). */
export interface IntegrationResult {
  /** baton/<workflow>/integration, and its head: every finished branch that merged cleanly. */
  branch: string;
  head: string;
  merged: string[];
  /** Files the result changes against the base commit. */
  files: string[];
  conflicts: IntegrationConflict[];
  check?: { command: string; ok: boolean; detail: string };
  /** Fix tasks were added for agents whose branch breaks the check: integrate again once they ran. */
  redo: boolean;
  /** Integrations so far (1 for the first). */
  round: number;
  /** The task results it integrated (see settledKey): when they change (a retried step), it is out of date. */
  seen: string;
}

/** The integration result merged into the user's branch, after the merge approval. */
export interface Landing {
  into: string;
  from: string;
  to: string;
  how: 'fast-forward' | 'merge' | 'up-to-date';
  /** The integration head that landed: a later integration (after a retried step) has not. */
  result: string;
}

/** Merges maps; a key set to undefined is removed (how a rollback takes back one task's result). */
const merge = <T>(a: Record<string, T>, b: Record<string, T | undefined>): Record<string, T> => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
};

/**
 * The workflow's graph state. It holds ids, decisions and short summaries; large, growing values
 * (transcripts, diffs) live outside it and are referenced, so checkpoints stay small.
 */
export const WorkflowState = Annotation.Root({
  workflowId: Annotation<string>,
  task: Annotation<string>,
  mode: Annotation<WorkflowMode>,
  /** Nesting depth: 0 for the top workflow, 1+ inside a hierarchical sub-orchestrator. */
  depth: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  planRationale: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
  plan: Annotation<PlannedTask[]>({ reducer: (_a, b) => b, default: () => [] }),
  assignments: Annotation<Record<string, Assignment>>({ reducer: merge, default: () => ({}) }),
  results: Annotation<Record<string, TaskResult>>({ reducer: merge, default: () => ({}) }),
  approvals: Annotation<Record<string, ApprovalDecision>>({ reducer: merge, default: () => ({}) }),
  /** Hierarchical mode: the epic a sub-workflow decomposes ('' at the top); its tasks' ids start with it. */
  parentTaskId: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
  /** Event-driven mode: reactions so far, bounded by limits.maxReactions. */
  reactions: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  /** Event-driven mode: tasks whose events were already turned into reactions (or deliberately not). */
  observed: Annotation<Record<string, boolean>>({ reducer: merge, default: () => ({}) }),
  /** Event-driven mode: per task, the agents of its reaction chain (the root author first). */
  chains: Annotation<Record<string, string[]>>({ reducer: merge, default: () => ({}) }),
  /** The budget in force; a person raises it (approving a budget stop with a new budget, or on resume). */
  budgetUsd: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  /** The budget in tokens, held when a model of the workflow has no known price; 0: none. */
  budgetTokens: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  /** A sub-workflow's own allowance inside the parent's budget (limits.epicBudgetShare); 0: none. */
  allowanceUsd: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  summary: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
  /** How many snapshots (refs/baton/snapshots/<workflow>/<n>) the workflow has made. */
  snapshots: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  integration: Annotation<IntegrationResult | undefined>({ reducer: (_a, b) => b, default: () => undefined }),
  landed: Annotation<Landing | undefined>({ reducer: (_a, b) => b, default: () => undefined }),
  /** The reflect step's lessons, kept for later workflows on the repository. */
  lessons: Annotation<string[]>({ reducer: (_a, b) => b, default: () => [] }),
  /** The rest of the reflect step's retrospective: what worked and what failed, for the learning memory. */
  retrospective: Annotation<{ worked: string[]; failed: string[] }>({ reducer: (_a, b) => b, default: () => ({ worked: [], failed: [] }) }),
});

export type WorkflowStateType = typeof WorkflowState.State;
export type WorkflowUpdate = typeof WorkflowState.Update;

/** What a per-task branch receives through Send: everything it needs, nothing it may not change. */
export interface TaskInput {
  workflowId: string;
  task: PlannedTask;
  assignment: Assignment;
  /** Summaries of the tasks it depends on, so the agent builds on them. */
  upstream: { taskId: string; agentId: string; summary: string; commit?: string }[];
  previous?: TaskResult;
  /** Risks a person approved before the task ran: its change is not held for them again. */
  approvedRisks?: string[];
}

/** Hierarchical mode: an epic handed to a sub-workflow, with the decisions taken on its approvals. */
export interface EpicInput extends TaskInput {
  depth: number;
  mode: WorkflowMode;
  budgetUsd: number;
  budgetTokens: number;
  decisions: Record<string, ApprovalDecision>;
}

export interface ApprovalInput {
  workflowId: string;
  request: ApprovalRequest;
  /** For a budget stop: the budget in force, and in tokens, which a person's new budget scales. */
  budgetUsd?: number;
  budgetTokens?: number;
  /** Set for a sub-workflow's allowance stop: approving raises the allowance, not the budget. */
  allowanceUsd?: number;
}
