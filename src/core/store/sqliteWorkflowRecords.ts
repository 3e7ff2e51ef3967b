import type { WorkflowMode } from '../config/vocabulary';
import type { RecordedDecision, WorkflowRecord, WorkflowRecordStatus, WorkflowRecords } from '../workflowRecords';
import { runSettingsFromText } from '../workflowRecords';
import type { SqliteDatabase } from './sqliteDatabase';

interface Row {
  id: string;
  task: string;
  mode: string;
  status: string;
  budget_usd: number;
  budget_tokens: number | string;
  cost_usd: number;
  base_commit: string;
  created_at: string;
  updated_at: string;
  current_step: string | null;
  progress_done: number;
  progress_total: number;
  progress_failed: number;
  progress_not_run: number;
  summary: string | null;
  error: string | null;
  runner_pid: number | null;
  run_settings: string | null;
}

const columns: Record<keyof Omit<WorkflowRecord, 'id' | 'progress' | 'runSettings'>, string> = {
  task: 'task', mode: 'mode', status: 'status', budgetUsd: 'budget_usd', budgetTokens: 'budget_tokens', costUsd: 'cost_usd', baseCommit: 'base_commit',
  createdAt: 'created_at', updatedAt: 'updated_at', currentStep: 'current_step', summary: 'summary', error: 'error', runnerPid: 'runner_pid',
};

function toRecord(r: Row): WorkflowRecord {
  return {
    id: r.id, task: r.task, mode: r.mode as WorkflowMode, status: r.status as WorkflowRecordStatus, budgetUsd: r.budget_usd, budgetTokens: Number(r.budget_tokens), costUsd: r.cost_usd,
    baseCommit: r.base_commit, createdAt: r.created_at, updatedAt: r.updated_at, currentStep: r.current_step ?? undefined,
    progress: { done: r.progress_done, failed: r.progress_failed, notRun: r.progress_not_run, total: r.progress_total }, summary: r.summary ?? undefined, error: r.error ?? undefined,
    runnerPid: r.runner_pid ?? undefined,
    ...optionalSettings(r.run_settings),
  };
}

interface DecisionRow {
  approval_id: string;
  decision: 'approve' | 'reject';
  reason: string | null;
  budget_usd: number | null;
}

export function decisionOf(r: DecisionRow): RecordedDecision {
  return { approvalId: r.approval_id, decision: r.decision, reason: r.reason ?? undefined, ...(r.budget_usd !== null ? { budgetUsd: Number(r.budget_usd) } : {}) };
}

/** Records read back have no `runSettings` key at all when none were kept, as they were written. */
export function optionalSettings(text: string | null): Pick<WorkflowRecord, 'runSettings'> {
  const runSettings = runSettingsFromText(text);
  return runSettings ? { runSettings } : {};
}

/** Workflow records in Baton's SQLite file, shared by every process that opens the repository. */
export class SqliteWorkflowRecords implements WorkflowRecords {
  constructor(private readonly db: SqliteDatabase) {}

  async create(r: WorkflowRecord): Promise<void> {
    this.db.run(
      `INSERT INTO workflows (id, task, mode, status, budget_usd, budget_tokens, cost_usd, base_commit, created_at, updated_at, current_step,
         progress_done, progress_failed, progress_not_run, progress_total, summary, error, runner_pid, run_settings)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.id, r.task, r.mode, r.status, r.budgetUsd, r.budgetTokens, r.costUsd, r.baseCommit, r.createdAt, r.updatedAt, r.currentStep,
      r.progress.done, r.progress.failed, r.progress.notRun, r.progress.total, r.summary, r.error, r.runnerPid, r.runSettings ? JSON.stringify(r.runSettings) : null,
    );
  }

  async update(id: string, patch: Partial<Omit<WorkflowRecord, 'id' | 'createdAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'progress') {
        const p = value as WorkflowRecord['progress'];
        sets.push('progress_done = ?', 'progress_failed = ?', 'progress_not_run = ?', 'progress_total = ?');
        values.push(p.done, p.failed, p.notRun, p.total);
        continue;
      }
      if (key === 'runSettings') {
        sets.push('run_settings = ?');
        values.push(value === undefined ? null : JSON.stringify(value));
        continue;
      }
      const column = columns[key as keyof typeof columns];
      if (!column) continue;
      sets.push(`${column} = ?`);
      // An explicit undefined clears the column (e.g. current_step when the workflow ends).
      values.push(value === undefined ? null : (value as string | number));
    }
    if (sets.length) this.db.run(`UPDATE workflows SET ${sets.join(', ')} WHERE id = ?`, ...values, id);
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const row = this.db.get<Row>('SELECT * FROM workflows WHERE id = ?', id);
    return row && toRecord(row);
  }

  async list(): Promise<WorkflowRecord[]> {
    return this.db.all<Row>('SELECT * FROM workflows ORDER BY created_at DESC').map(toRecord);
  }

  async addDecision(workflowId: string, d: RecordedDecision): Promise<void> {
    this.db.run(
      `INSERT INTO approval_decisions (workflow_id, approval_id, decision, reason, budget_usd, decided_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (workflow_id, approval_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason, budget_usd = excluded.budget_usd, decided_at = excluded.decided_at`,
      workflowId, d.approvalId, d.decision, d.reason, d.budgetUsd, new Date().toISOString(),
    );
  }

  async decisions(workflowId: string): Promise<RecordedDecision[]> {
    return this.db.all<DecisionRow>(
      'SELECT approval_id, decision, reason, budget_usd FROM approval_decisions WHERE workflow_id = ? ORDER BY decided_at', workflowId,
    ).map(decisionOf);
  }

  async clearDecisions(workflowId: string, approvalIds: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const id of approvalIds) this.db.run('DELETE FROM approval_decisions WHERE workflow_id = ? AND approval_id = ?', workflowId, id);
    });
  }
}
