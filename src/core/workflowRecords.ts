import type { WorkflowMode } from './config/vocabulary';

export type WorkflowRecordStatus = 'queued' | 'running' | 'waiting' | 'paused' | 'completed' | 'failed' | 'cancelled';

/**
 * How a workflow is run, kept with it so that `baton resume` goes on the way it started (flags given to
 * resume override them, and are kept in turn). The budget is kept apart: it is the record's own.
 */
export interface RunSettings {
  approve: 'ask' | 'auto' | 'never';
  concurrency: number;
  model: string;
  baseUrl: string;
  check?: string;
  keepWorktrees: boolean;
}

/**
 * Where the planned tasks stand. `done` counts tasks that did their work; `failed` tasks that ran and
 * failed; `notRun` tasks that never ran (a dependency failed, a policy or a person rejected them, the
 * budget stopped them). A workflow is only `completed` when nothing but a person's decision left work undone.
 */
export interface WorkflowProgress {
  done: number;
  failed: number;
  notRun: number;
  total: number;
}

/** What `baton list`, `baton status`, the tree and the HTTP API read about a workflow. */
export interface WorkflowRecord {
  id: string;
  task: string;
  mode: WorkflowMode;
  status: WorkflowRecordStatus;
  budgetUsd: number;
  /** The budget in tokens, held when a model of the workflow has no known price (0: none). */
  budgetTokens: number;
  costUsd: number;
  baseCommit: string;
  createdAt: string;
  updatedAt: string;
  currentStep?: string;
  progress: WorkflowProgress;
  summary?: string;
  error?: string;
  /** The process running the workflow now, so `baton cancel` from another terminal can stop it. */
  runnerPid?: number;
  /** Absent on workflows recorded before Baton kept them. */
  runSettings?: RunSettings;
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
  /** A budget stop approved by a person: the new budget they chose (a budget is never raised by a default). */
  budgetUsd?: number;
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

/** Run settings as a store keeps them (JSON text), read back leniently: a damaged value is as if none was kept. */
export function runSettingsFromText(text: string | null | undefined): RunSettings | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<RunSettings>;
    const approve = v.approve === 'auto' || v.approve === 'never' ? v.approve : 'ask';
    if (typeof v.model !== 'string' || typeof v.baseUrl !== 'string' || typeof v.concurrency !== 'number') return undefined;
    return { approve, concurrency: v.concurrency, model: v.model, baseUrl: v.baseUrl, keepWorktrees: v.keepWorktrees === true, ...(typeof v.check === 'string' ? { check: v.check } : {}) };
  } catch {
    return undefined;
  }
}
