import { auditLogPath, readAuditLog } from './auditLog';
import type { BatonEvent } from './events';

/**
 * Every event a workflow has had so far, read from its audit log (.git/baton/audit/<id>.jsonl): the
 * story of a workflow that ran before this process started, e.g. before VS Code was reloaded or from
 * the CLI. A workflow with no log yet has no history; damaged lines are skipped, as readAuditLog does.
 */
export async function readWorkflowHistory(batonDir: string, workflowId: string): Promise<BatonEvent[]> {
  try {
    return (await readAuditLog(auditLogPath(batonDir, workflowId))).events;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('No audit log')) return [];
    throw error;
  }
}
