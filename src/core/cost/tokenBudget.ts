import { defaultModel } from '../modelEndpoint';
import type { Pricing } from './pricing';

// An agent's calls resend the conversation so far, so prompt tokens outnumber completion tokens many
// times over (about 10 to 1 in Baton's own workloads). Blending at 3 to 1 prices a token higher than
// that, which gives fewer tokens for a dollar: a token budget that errs on the side of stopping early.
const promptPerCompletion = 3;

/**
 * The budget in tokens that a dollar budget stands for, at the price of Baton's default model: what
 * holds when a model of the workflow has no known price (a local one), so that its budget is never void.
 */
export function tokenBudgetFor(budgetUsd: number, pricing: Pricing): number {
  const p = pricing.priceOf(defaultModel);
  // The default model is on every maintained price list; the published price of mid-2026 is the floor.
  const input = p.known ? p.inputPerMillion : 0.15;
  const output = p.known ? p.outputPerMillion : 0.6;
  const perMillion = (promptPerCompletion * input + output) / (promptPerCompletion + 1);
  return Math.max(1, Math.round((budgetUsd / perMillion) * 1_000_000));
}

/** The models of `models` no price is known for: their calls cost $0, which the user must be told. */
export function unpricedModels(models: Iterable<string>, pricing: Pricing): string[] {
  return [...new Set(models)].filter((m) => !pricing.priceOf(m).known);
}
