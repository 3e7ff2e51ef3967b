import { defaultModel } from '../modelEndpoint';
import type { Pricing } from './pricing';

/**
 * The budget in tokens that a dollar budget stands for, at the price of Baton's default model: what
 * holds when a model of the workflow has no known price (a local one), so that its budget is never void.
 * The price blends 3 prompt tokens to 1 completion token, while an agent's calls, which resend the
 * conversation so far, run nearer 10 to 1: a token is priced higher than it is, and the budget errs
 * towards stopping early.
 */
export function tokenBudgetFor(budgetUsd: number, pricing: Pricing): number {
  return Math.max(1, Math.round((budgetUsd / pricing.blendedPerMillion(defaultModel, 0.75)) * 1_000_000));
}

/** The models of `models` no price is known for: their calls cost $0, which the user must be told. */
export function unpricedModels(models: Iterable<string>, pricing: Pricing): string[] {
  return [...new Set(models)].filter((m) => !pricing.priceOf(m).known);
}
