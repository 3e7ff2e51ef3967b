import type { WorkflowMode } from './config/vocabulary';

export type WorkflowRecordStatus = 'queued' | 'running' | 'waiting' | 'paused' | 'completed' | 'failed' | 'cancelled';

/** What `baton list`, `baton status`, the tree and the HTTP API read about a workflow. */
export interface WorkflowRecord {
  id: string;
  task: string;
  mode: WorkflowMode;
  status: WorkflowRecordStatus;
  budgetUsd: number;
  costUsd: number;
  baseCommit: string;
  createdAt: string;
  updatedAt: string;
  currentStep?: string;
  progress: { done: number; total: number };
  summary?: string;
  error?: string;
  /** The process running the workflow now, so `baton cancel` from another terminal can stop it. */
  runnerPid?: number;
}

export interface PendingApproval {
  approvalId: string;
  /** LangGraph's interrupt id, used to resume exactly this approval. */
  interruptId: string;
  taskId?: string;
  trigger: string;
  reason: string;
  files?: string[];
}

export interface RecordedDecision {
  approvalId: string;
  decision: 'approve' | 'reject';
  reason?: string;
}

/**
 * The operational records of workflows, shared by every process that opens the repository (two
 * VS Code windows, the CLI). Decisions made by `baton approve` wait here until a resume applies them.
 */
export interface WorkflowRecords {
  create(record: WorkflowRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<WorkflowRecord, 'id' | 'createdAt'>>): Promise<void>;
  get(id: string): Promise<WorkflowRecord | undefined>;
  list(): Promise<WorkflowRecord[]>;
  addDecision(workflowId: string, decision: RecordedDecision): Promise<void>;
  /** Decisions waiting to be applied; they stay until clearDecisions, so a crash in between loses none. */
  decisions(workflowId: string): Promise<RecordedDecision[]>;
  clearDecisions(workflowId: string, approvalIds: readonly string[]): Promise<void>;
}
