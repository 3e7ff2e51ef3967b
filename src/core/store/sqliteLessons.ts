import type { SqliteDatabase } from './sqliteDatabase';

/** The retrospectives' lessons, kept apart from workflow state and read by later workflows. */
export class SqliteLessons {
  constructor(private readonly db: SqliteDatabase) {}

  /** The most recent distinct lessons, newest first. */
  recent(limit = 8): string[] {
    return this.db.all<{ lesson: string }>('SELECT lesson FROM lessons GROUP BY lesson ORDER BY MAX(id) DESC LIMIT ?', limit).map((r) => r.lesson);
  }

  add(workflowId: string, lessons: readonly string[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      // Idempotent per workflow: a workflow whose end is reported twice stores its lessons once.
      this.db.run('DELETE FROM lessons WHERE workflow_id = ?', workflowId);
      for (const l of lessons) this.db.run('INSERT INTO lessons (workflow_id, lesson, created_at) VALUES (?, ?, ?)', workflowId, l.slice(0, 500), now);
    });
  }
}
