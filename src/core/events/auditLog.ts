import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseEvent } from './events';
import type { BatonEvent } from './events';
import type { EventBus } from './eventBus';
import { redactSecrets } from './redact';

// One JSON Lines file per workflow. Several processes append to the same file (the CLI and one or more VS Code
// windows share .git/baton/), so:
// - the file is opened once with O_APPEND and each event is ONE write() of a complete line: the kernel positions
//   every append at the current end, so lines from different processes never overwrite or split each other;
// - the descriptor stays open and appends are synchronous: measured here (Node 24), a write on the open descriptor
//   costs ~3 µs an event, appendFileSync (open+write+close) ~7 µs, redaction ~7 µs; all negligible next to a
//   model call, and synchronous means an event is in the file, in order, before emit() returns, and a crash of
//   our process loses nothing the kernel accepted;
// - no fsync per event (milliseconds each); sync() is there for the end of a workflow. An OS crash may lose the
//   last events, never reorder or interleave them;
// - a crash mid-write leaves a torn last line: readers skip it, and the next writer starts a fresh line after it.

const safeWorkflowId = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Where a workflow's audit log lives, `batonDir` being the repository's `.git/baton`. */
export function auditLogPath(batonDir: string, workflowId: string): string {
  if (!safeWorkflowId.test(workflowId) || workflowId.includes('..')) {
    throw new Error(
      `Workflow id ${JSON.stringify(workflowId)} cannot name an audit log file: use letters, digits, '.', '_' and '-' only.`,
    );
  }
  return join(batonDir, 'audit', `${workflowId}.jsonl`);
}

export class AuditLog {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly knownSecrets: () => readonly string[] = () => [],
  ) {}

  /** Appends one event as one line. Redacts again, so an event that did not come through the bus is safe too. */
  append(event: BatonEvent): void {
    const fd = this.open();
    const line = Buffer.from(`${JSON.stringify({ ...event, data: redactSecrets(event.data, this.knownSecrets()) })}\n`);
    let written = writeSync(fd, line);
    // Regular files take the whole buffer except when the disk is full; finish the line rather than leave it torn.
    while (written < line.length) written += writeSync(fd, line, written);
  }

  /** Forces what was appended onto the disk (survives an OS crash, not only a process crash). */
  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    mkdirSync(dirname(this.path), { recursive: true });
    // 0o600: the log holds the user's code and task descriptions.
    // 'a+' (O_APPEND|O_CREAT|O_RDWR) rather than 'a': the torn-line check below reads the last byte.
    const fd = openSync(this.path, 'a+', 0o600);
    try {
      if (endsInsideLine(fd)) writeSync(fd, '\n');
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    return fd;
  }
}

/** A previous writer crashed mid-line: without a newline our first event would be glued to its fragment. */
function endsInsideLine(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

export interface CorruptLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly reason: string;
}

export interface AuditLogContents {
  readonly events: BatonEvent[];
  /** Damaged lines before the end of the file, e.g. the fragment a crashed writer left, which was then continued. */
  readonly corruptLines: CorruptLine[];
  /** The file ended in an incomplete line (a writer crashed, or is writing right now); it was skipped. */
  readonly tornTail: boolean;
}

export async function readAuditLog(path: string): Promise<AuditLogContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) {
      throw new Error(`No audit log at ${path}. Check the workflow id (\`baton list\` shows them).`, { cause: error });
    }
    throw error;
  }
  const lines = text.split('\n');
  // After the last '\n' comes either nothing (a complete file) or a line still being written.
  const tornTail = lines.pop() !== '';
  const events: BatonEvent[] = [];
  const corruptLines: CorruptLine[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      events.push(parseEvent(parseJson(line)));
    } catch (error) {
      corruptLines.push({ line: index + 1, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return { events, corruptLines, tornTail };
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error('not valid JSON: an incomplete line, probably from a writer that stopped mid-write');
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** A human-readable account of damaged lines, for `baton status` and the doctor. */
export function describeCorruptLines(path: string, corruptLines: readonly CorruptLine[]): string {
  return corruptLines.map(({ line, reason }) => `${path}:${line}: skipped: ${reason}`).join('\n');
}

/**
 * Events of a workflow resumed by a new process continue its numbering: the audit log holds the
 * last seq this workflow used, so seq stays unique per workflow across processes and restarts.
 */
export async function restoreSeq(bus: EventBus, batonDir: string, workflowId: string): Promise<void> {
  if (bus.lastSeq(workflowId) > 0) return;
  const last = await readAuditLog(auditLogPath(batonDir, workflowId)).then((log) => log.events.at(-1)?.seq ?? 0, () => 0);
  if (last > 0) bus.resumeSeq(workflowId, last);
}
