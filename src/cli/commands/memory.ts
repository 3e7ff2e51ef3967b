import { resolve } from 'node:path';
import { findRepository } from '../../core/git/repository';
import { batonDatabasePath, SqliteDatabase } from '../../core/store/sqliteDatabase';
import { SqliteMemory } from '../../core/store/sqliteMemory';
import type { MemoryReport } from '../../core/store/sqliteMemory';
import { CliError, exitCodes } from '../exitCodes';
import type { CliIo } from '../program';
import type { Flags } from '../settings';

const forms = 'Use: baton memory [--json] to list what was learned, or baton memory delete <id> to forget one entry.';

/**
 * `baton memory [--json]` and `baton memory delete <id>`: what earlier workflows taught, and a way to forget
 * an entry. Only the database is opened: no model endpoint or team file is needed to read or forget.
 */
export async function memoryCommand(action: string | undefined, id: string | undefined, flags: Flags, io: CliIo): Promise<number> {
  if (action !== undefined && action !== 'delete') throw new CliError(`unknown memory action "${action}". ${forms}`, exitCodes.usage);
  if (action === 'delete' && id === undefined) throw new CliError(`"baton memory delete" needs the id of an entry, e.g. lesson-3 or outcome-7 (baton memory lists them). ${forms}`, exitCodes.usage);
  if (action === undefined && id !== undefined) throw new CliError(`unexpected argument "${id}". ${forms}`, exitCodes.usage);
  const { batonDir } = await findRepository(resolve(io.cwd, typeof flags.repo === 'string' ? flags.repo : '.'));
  const db = SqliteDatabase.open(batonDatabasePath(batonDir));
  try {
    const memory = new SqliteMemory(db);
    if (action === 'delete') {
      if (!memory.delete(id!)) throw new CliError(`There is no memory entry "${id}". List the entries and their ids with: baton memory`, exitCodes.usage);
      io.stdout.write(`Deleted ${id}.\n`);
      return exitCodes.completed;
    }
    const report = memory.report();
    io.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : describeReport(report));
    return exitCodes.completed;
  } finally {
    db.close();
  }
}

const percent = (succeeded: number, failed: number): string => `${Math.round((100 * succeeded) / Math.max(1, succeeded + failed))}%`;

function describeReport(r: MemoryReport): string {
  if (!r.lessons.length && !r.agents.length && !r.failures.length) {
    return 'Nothing learned yet: Baton learns from every workflow that ends on this repository.\n';
  }
  const lines: string[] = [];
  lines.push(`Lessons and retrospectives (${r.lessons.length}):`);
  for (const l of r.lessons) lines.push(`  ${l.id.padEnd(11)} ${`[${l.kind}]`.padEnd(9)} ${l.text}  (${l.workflowId})`);
  lines.push('', 'Agents (tasks succeeded/done):');
  for (const a of r.agents) {
    lines.push(`  ${a.agentId.padEnd(11)} ${`${a.succeeded}/${a.succeeded + a.failed}`.padStart(6)} ${percent(a.succeeded, a.failed).padStart(4)}  ${a.byKind.map((k) => `${k.taskKind} ${k.succeeded}/${k.succeeded + k.failed}`).join(', ')}`);
  }
  lines.push('', `Recent failures (${r.failures.length}):`);
  for (const f of r.failures) lines.push(`  ${f.id.padEnd(11)} ${f.agentId} on ${f.taskKind} task ${f.taskId} of ${f.workflowId}: ${f.errorKind}: ${f.detail.slice(0, 160)}`);
  lines.push('', 'Forget an entry with: baton memory delete <id>');
  return `${lines.join('\n')}\n`;
}
