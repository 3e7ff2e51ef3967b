import { BatonError } from '../errors';
import type { WorkflowRecord } from '../workflowRecords';
import { formatUsd } from './money';

/**
 * The budget a person gives a workflow, checked against what it has spent: one it has already reached
 * would stop it again at once, so it is refused with the least that would not. The budget in tokens (for
 * a model with no known price) scales with the dollar budget.
 */
export function budgetChange(record: WorkflowRecord, budgetUsd: number, spent: { usd: number; tokens: number }): { budgetUsd: number; budgetTokens: number } {
  const id = record.id;
  if (!(budgetUsd > 0)) throw new BatonError(`A budget must be more than $0 (got ${budgetUsd}).`, 'Give the new budget in US dollars, e.g. --budget 5.', 'usage');
  if (['completed', 'failed', 'cancelled'].includes(record.status)) throw new BatonError(`Workflow ${id} already ended (${record.status}): its budget can no longer change.`, undefined, 'usage');
  if (budgetUsd <= spent.usd) {
    throw new BatonError(`Workflow ${id} has already spent ${formatUsd(spent.usd)}: a budget of ${formatUsd(budgetUsd)} would stop it again at once.`, `Give a budget above ${formatUsd(spent.usd)}.`, 'usage');
  }
  const budgetTokens = record.budgetTokens ? Math.round(record.budgetTokens * (budgetUsd / record.budgetUsd)) : 0;
  if (budgetTokens && budgetTokens <= spent.tokens) {
    throw new BatonError(`Workflow ${id} has already used ${spent.tokens.toLocaleString('en-US')} tokens: a budget of ${formatUsd(budgetUsd)} (${budgetTokens.toLocaleString('en-US')} tokens) would stop it again at once.`,
      `Give a budget above ${formatUsd((spent.tokens / record.budgetTokens) * record.budgetUsd)}.`, 'usage');
  }
  return { budgetUsd, budgetTokens };
}
