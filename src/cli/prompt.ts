import { createInterface } from 'node:readline/promises';
import type { PendingApproval } from '../core/workflowRecords';

export interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

export function canAsk(t: Terminal): boolean {
  return Boolean(t.input.isTTY && t.output.isTTY);
}

/** Asks about one approval in the terminal: approve, reject (with a reason), or leave it pending. */
export async function askApproval(t: Terminal, p: PendingApproval): Promise<{ decision: 'approve' | 'reject'; reason?: string } | undefined> {
  const rl = createInterface({ input: t.input, output: t.output });
  try {
    t.output.write(`\nApproval ${p.approvalId} (${p.trigger}): ${p.reason}\n${p.files?.length ? `Files: ${p.files.join(', ')}\n` : ''}`);
    for (;;) {
      const answer = (await rl.question('Approve? [y]es / [n]o / [l]ater: ')).trim().toLowerCase();
      if (answer === 'y' || answer === 'yes') return { decision: 'approve' };
      if (answer === 'n' || answer === 'no') return { decision: 'reject', reason: (await rl.question('Reason (optional): ')).trim() || undefined };
      if (answer === 'l' || answer === 'later' || answer === '') return undefined;
    }
  } finally {
    rl.close();
  }
}

export async function confirm(t: Terminal, question: string): Promise<boolean> {
  const rl = createInterface({ input: t.input, output: t.output });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
