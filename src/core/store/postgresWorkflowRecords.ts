import { hostname } from 'node:os';
import type pg from 'pg';
import type { WorkflowMode } from '../config/vocabulary';
import type { RecordedDecision, WorkflowRecord, WorkflowRecordStatus, WorkflowRecords } from '../workflowRecords';
import { decisionOf, optionalSettings } from './sqliteWorkflowRecords';
import { postgresSchema } from './postgresMigrations';

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
  runner_host: string | null;
}

const columns: Record<keyof Omit<WorkflowRecord, 'id' | 'progress' | 'runSettings'>, string> = {
  task: 'task', mode: 'mode', status: 'status', budgetUsd: 'budget_usd', budgetTokens: 'budget_tokens', costUsd: 'cost_usd', baseCommit: 'base_commit',
  createdAt: 'created_at', updatedAt: 'updated_at', currentStep: 'current_step', summary: 'summary', error: 'error', runnerPid: 'runner_pid',
};

const workflows = `${postgresSchema}.workflows`;
const decisions = `${postgresSchema}.approval_decisions`;

/**
 * Workflow records in a PostgreSQL database shared by several machines: the same answers as
 * SqliteWorkflowRecords. Each call is one statement (or one transaction), so any number of processes may
 * write at once.
 */
export class PostgresWorkflowRecords implements WorkflowRecords {
  constructor(
    private readonly pool: pg.Pool,
    /** This machine, recorded beside a runner's pid. */
    private readonly host = hostname(),
  ) {}

  async create(r: WorkflowRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${workflows} (id, task, mode, status, budget_usd, budget_tokens, cost_usd, base_commit, created_at, updated_at, current_step,
         progress_done, progress_failed, progress_not_run, progress_total, summary, error, runner_pid, runner_host, run_settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [r.id, r.task, r.mode, r.status, r.budgetUsd, r.budgetTokens, r.costUsd, r.baseCommit, r.createdAt, r.updatedAt, r.currentStep ?? null,
        r.progress.done, r.progress.failed, r.progress.notRun, r.progress.total, r.summary ?? null, r.error ?? null, r.runnerPid ?? null,
        r.runnerPid === undefined ? null : this.host, r.runSettings ? JSON.stringify(r.runSettings) : null],
    );
  }

  async update(id: string, patch: Partial<Omit<WorkflowRecord, 'id' | 'createdAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    const set = (column: string, value: string | number | null) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'progress') {
        const p = value as WorkflowRecord['progress'];
        set('progress_done', p.done);
        set('progress_failed', p.failed);
        set('progress_not_run', p.notRun);
        set('progress_total', p.total);
        continue;
      }
      if (key === 'runSettings') {
        set('run_settings', value === undefined ? null : JSON.stringify(value));
        continue;
      }
      const column = columns[key as keyof typeof columns];
      if (!column) continue;
      // An explicit undefined clears the column (e.g. current_step when the workflow ends).
      set(column, value === undefined ? null : (value as string | number));
      if (key === 'runnerPid') set('runner_host', value === undefined ? null : this.host);
    }
    if (sets.length) await this.pool.query(`UPDATE ${workflows} SET ${sets.join(', ')} WHERE id = $${values.length + 1}`, [...values, id]);
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${workflows} WHERE id = $1`, [id]);
    return rows[0] && this.toRecord(rows[0]);
  }

  async list(): Promise<WorkflowRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT * FROM ${workflows} ORDER BY created_at DESC`);
    return rows.map((r) => this.toRecord(r));
  }

  async addDecision(workflowId: string, d: RecordedDecision): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${decisions} (workflow_id, approval_id, decision, reason, budget_usd, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workflow_id, approval_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason, budget_usd = excluded.budget_usd, decided_at = excluded.decided_at`,
      [workflowId, d.approvalId, d.decision, d.reason ?? null, d.budgetUsd ?? null, new Date().toISOString()],
    );
  }

  async decisions(workflowId: string): Promise<RecordedDecision[]> {
    const { rows } = await this.pool.query<Parameters<typeof decisionOf>[0]>(
      `SELECT approval_id, decision, reason, budget_usd FROM ${decisions} WHERE workflow_id = $1 ORDER BY decided_at`, [workflowId],
    );
    return rows.map(decisionOf);
  }

  async clearDecisions(workflowId: string, approvalIds: readonly string[]): Promise<void> {
    // One statement: atomic without a transaction.
    await this.pool.query(`DELETE FROM ${decisions} WHERE workflow_id = $1 AND approval_id = ANY($2::text[])`, [workflowId, [...approvalIds]]);
  }

  private toRecord(r: Row): WorkflowRecord {
    return {
      id: r.id, task: r.task, mode: r.mode as WorkflowMode, status: r.status as WorkflowRecordStatus, budgetUsd: r.budget_usd, budgetTokens: Number(r.budget_tokens), costUsd: r.cost_usd,
      baseCommit: r.base_commit, createdAt: r.created_at, updatedAt: r.updated_at, currentStep: r.current_step ?? undefined,
      progress: { done: r.progress_done, failed: r.progress_failed, notRun: r.progress_not_run, total: r.progress_total }, summary: r.summary ?? undefined, error: r.error ?? undefined,
      // The CLI signals and probes runnerPid as a local process: a pid from another machine would name an
      // unrelated process here, so it is only reported on the machine that runs the workflow.
      runnerPid: r.runner_pid !== null && r.runner_host === this.host ? r.runner_pid : undefined,
      ...optionalSettings(r.run_settings),
    };
  }
}
