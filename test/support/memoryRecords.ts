import type { RecordedDecision, WorkflowRecord, WorkflowRecords } from '../../src/core/workflowRecords';

/** A small in-memory WorkflowRecords for engine tests that do not exercise durability. */
export class MemoryRecords implements WorkflowRecords {
  readonly records = new Map<string, WorkflowRecord>();
  private readonly decisions_ = new Map<string, RecordedDecision[]>();

  async create(record: WorkflowRecord): Promise<void> {
    this.records.set(record.id, { ...record });
  }

  async update(id: string, patch: Partial<WorkflowRecord>): Promise<void> {
    const r = this.records.get(id);
    if (r) this.records.set(id, { ...r, ...patch });
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    return this.records.get(id);
  }

  async list(): Promise<WorkflowRecord[]> {
    return [...this.records.values()];
  }

  async addDecision(workflowId: string, decision: RecordedDecision): Promise<void> {
    this.decisions_.set(workflowId, [...(this.decisions_.get(workflowId) ?? []), decision]);
  }

  async decisions(workflowId: string): Promise<RecordedDecision[]> {
    return [...(this.decisions_.get(workflowId) ?? [])];
  }

  async clearDecisions(workflowId: string, approvalIds: readonly string[]): Promise<void> {
    this.decisions_.set(workflowId, (this.decisions_.get(workflowId) ?? []).filter((d) => !approvalIds.includes(d.approvalId)));
  }
}
