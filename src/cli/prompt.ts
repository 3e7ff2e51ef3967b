import { createInterface } from 'node:readline/promises';
import { formatUsd } from '../core/cost/money';
import type { PendingApproval } from '../core/workflowRecords';

export interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

export function canAsk(t: Terminal): boolean {
  return Boolean(t.input.isTTY && t.output.isTTY);
}

export interface Answer {
  decision: 'approve' | 'reject';
  reason?: string;
  /** A budget stop approved: the new budget. */
  budgetUsd?: number;
}

/**
 * Asks about one approval in the terminal: approve, reject (with a reason), or leave it pending. A budget
 * stop asks for the new budget instead: a figure above what was spent goes on, `n` stops here.
 */
export async function askApproval(t: Terminal, p: PendingApproval, spentUsd = 0): Promise<Answer | undefined> {
  const rl = createInterface({ input: t.input, output: t.output });
  try {
    t.output.write(`\nApproval ${p.approvalId} (${p.trigger}): ${p.reason}\n${p.files?.length ? `Files: ${p.files.join(', ')}\n` : ''}`);
    if (p.trigger === 'budget' && !p.approvalId.startsWith('allowance-')) {
      for (;;) {
        const answer = (await rl.question(`New budget in USD (more than ${formatUsd(spentUsd)}), [n]o to stop here, [l]ater: `)).trim().toLowerCase().replace(/^\$/, '');
        if (answer === 'n' || answer === 'no') return { decision: 'reject', reason: 'stopped at the budget' };
        if (answer === 'l' || answer === 'later' || answer === '') return undefined;
        const usd = Number(answer);
        if (Number.isFinite(usd) && usd > spentUsd) return { decision: 'approve', budgetUsd: usd };
        t.output.write(`Give a number of dollars above ${formatUsd(spentUsd)}, e.g. ${Math.max(1, Math.ceil(spentUsd * 2))}.\n`);
      }
    }
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
