import type { AgentTrackRecord, LearningMemory, Recollection, WorkflowLearning } from '../learningMemory';
import type { SqliteDatabase } from './sqliteDatabase';

/** One entry a user sees in `baton memory` and may delete by its id (lesson-<n> or outcome-<n>). */
export interface LessonEntry {
  id: string;
  kind: 'lesson' | 'worked' | 'failed';
  text: string;
  workflowId: string;
  createdAt: string;
}

export interface FailureEntry {
  id: string;
  workflowId: string;
  taskId: string;
  agentId: string;
  taskKind: string;
  errorKind: string;
  detail: string;
  createdAt: string;
}

export interface AgentSuccess {
  agentId: string;
  succeeded: number;
  failed: number;
  byKind: AgentTrackRecord[];
}

/** What `baton memory` lists. */
export interface MemoryReport {
  lessons: LessonEntry[];
  agents: AgentSuccess[];
  failures: FailureEntry[];
}

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z0-9]{4,}/g) ?? []);

/** The learning memory in Baton's SQLite file: its own tables, apart from the workflows' state. */
export class SqliteMemory implements LearningMemory {
  constructor(private readonly db: SqliteDatabase) {}

  async recall(task: string, limit = 8): Promise<Recollection> {
    return { lessons: this.relevantLessons(task, limit), trackRecords: this.trackRecords() };
  }

  /**
   * The lessons that share the most words with the task, then the most recent: a lesson about the signup form
   * matters more to a signup task than last week's lesson about the docs.
   */
  relevantLessons(task: string, limit = 8): string[] {
    const wanted = words(task);
    const recent = this.db.all<{ lesson: string }>("SELECT lesson FROM lessons WHERE kind = 'lesson' GROUP BY lesson ORDER BY MAX(id) DESC LIMIT 200");
    const scored = recent.map((r, order) => ({ lesson: r.lesson, order, score: [...words(r.lesson)].filter((w) => wanted.has(w)).length }));
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    return scored.slice(0, limit).map((s) => s.lesson);
  }

  trackRecords(): AgentTrackRecord[] {
    return this.db.all<{ agent_id: string; task_kind: string; succeeded: number; failed: number }>(
      `SELECT agent_id, task_kind, SUM(outcome = 'succeeded') AS succeeded, SUM(outcome = 'failed') AS failed
       FROM routing_outcomes GROUP BY agent_id, task_kind ORDER BY agent_id, task_kind`,
    ).map((r) => ({ agentId: r.agent_id, taskKind: r.task_kind, succeeded: Number(r.succeeded), failed: Number(r.failed) }));
  }

  async learn(workflowId: string, learning: WorkflowLearning): Promise<void> {
    const now = new Date().toISOString();
    const notes = [
      ...learning.retrospective.lessons.map((text) => ['lesson', text] as const),
      ...learning.retrospective.worked.map((text) => ['worked', text] as const),
      ...learning.retrospective.failed.map((text) => ['failed', text] as const),
    ];
    this.db.transaction(() => {
      // Idempotent per workflow: a workflow whose end is reported twice (a resume after a crash) is learned once.
      this.db.run('DELETE FROM lessons WHERE workflow_id = ?', workflowId);
      for (const [kind, text] of notes) this.db.run('INSERT INTO lessons (workflow_id, lesson, kind, created_at) VALUES (?, ?, ?, ?)', workflowId, text.slice(0, 500), kind, now);
      this.db.run('DELETE FROM routing_outcomes WHERE workflow_id = ?', workflowId);
      for (const o of learning.outcomes) {
        this.db.run(
          `INSERT INTO routing_outcomes (workflow_id, task_id, agent_id, task_kind, strategy, outcome, error_kind, detail, rounds, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          workflowId, o.taskId, o.agentId, o.taskKind, o.strategy, o.outcome, o.errorKind, o.detail, o.rounds, now,
        );
      }
    });
  }

  report(failureLimit = 10): MemoryReport {
    const lessons = this.db.all<{ id: number; kind: LessonEntry['kind']; lesson: string; workflow_id: string; created_at: string }>(
      'SELECT id, kind, lesson, workflow_id, created_at FROM lessons ORDER BY id DESC',
    ).map((r) => ({ id: `lesson-${r.id}`, kind: r.kind, text: r.lesson, workflowId: r.workflow_id, createdAt: r.created_at }));
    const byAgent = new Map<string, AgentSuccess>();
    for (const t of this.trackRecords()) {
      const a = byAgent.get(t.agentId) ?? { agentId: t.agentId, succeeded: 0, failed: 0, byKind: [] };
      a.succeeded += t.succeeded;
      a.failed += t.failed;
      a.byKind.push(t);
      byAgent.set(t.agentId, a);
    }
    const failures = this.db.all<{ id: number; workflow_id: string; task_id: string; agent_id: string; task_kind: string; error_kind: string | null; detail: string | null; created_at: string }>(
      "SELECT id, workflow_id, task_id, agent_id, task_kind, error_kind, detail, created_at FROM routing_outcomes WHERE outcome = 'failed' ORDER BY id DESC LIMIT ?", failureLimit,
    ).map((r) => ({ id: `outcome-${r.id}`, workflowId: r.workflow_id, taskId: r.task_id, agentId: r.agent_id, taskKind: r.task_kind, errorKind: r.error_kind ?? 'unknown', detail: r.detail ?? '', createdAt: r.created_at }));
    return { lessons, agents: [...byAgent.values()], failures };
  }

  /** Deletes one entry by the id `report` gave it; false when there is no such entry. */
  delete(id: string): boolean {
    const match = /^(lesson|outcome)-(\d+)$/.exec(id);
    if (!match) return false;
    const table = match[1] === 'lesson' ? 'lessons' : 'routing_outcomes';
    return this.db.run(`DELETE FROM ${table} WHERE id = ?`, Number(match[2])).changes > 0;
  }
}
