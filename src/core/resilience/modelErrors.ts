import { BatonError } from '../errors';
import { describeFailure } from './modelFailure';
import type { ModelFailure } from './modelFailure';

export interface FailureSite {
  model: string;
  agentId?: string;
  /** Requests made to this model for this call, retries included. */
  attempts?: number;
}

/**
 * Turns a model client error into a BatonError that says what to do next; keeps the provider's own
 * words (without LangChain's troubleshooting links) so nothing is lost.
 */
export function modelError(e: unknown, site: FailureSite, signal?: AbortSignal): BatonError {
  if (signal?.aborted) return new BatonError('The workflow was cancelled.', undefined, 'cancelled');
  if (e instanceof BatonError) return e;
  return explain(describeFailure(e), providerWords(e), site);
}

function explain(f: ModelFailure, words: string, site: FailureSite): BatonError {
  const { model } = site;
  const tries = site.attempts && site.attempts > 1 ? ` after ${site.attempts} attempts` : '';
  switch (f.kind) {
    case 'auth':
      return new BatonError(`The API key was rejected (${f.status}): run “Baton: Set API Key” or set BATON_API_KEY.`, undefined, 'model');
    case 'context':
      return new BatonError(`context too long: ${words}`, `Split the task into smaller ones, or give this agent a model with a larger context window than ${model}.`, 'model');
    case 'not-found':
      return new BatonError(`The endpoint does not know the model "${model}" (HTTP 404).`, 'Check baton.model.name (or BATON_MODEL) and the agents\' model: in .baton/agents.yaml.', 'model');
    case 'rate-limit':
      return new BatonError(`The model endpoint kept rate limiting ${model}${tries} (HTTP 429): ${words}`, 'Lower baton.rateLimit.requestsPerMinute or baton.concurrency, add models to baton.model.fallbacks, or try again later.', 'model');
    case 'circuit-open':
      return new BatonError(`${model} failed too often for ${site.agentId ?? 'this agent'}, so Baton stopped calling it for a while (circuit breaker open).`, 'It is tried again after the cool-down; add models to baton.model.fallbacks to keep working meanwhile, or check the endpoint with baton doctor.', 'model');
    case 'timeout':
    case 'server':
    case 'network':
      return new BatonError(`The model call to ${model} failed${tries}${f.status ? ` (HTTP ${f.status})` : ''}: ${words}`, 'Check the endpoint with baton doctor, add models to baton.model.fallbacks, or try again later.', 'model');
    case 'cancelled':
      return new BatonError('The workflow was cancelled.', undefined, 'cancelled');
    case 'bad-request':
      return new BatonError(`The model endpoint refused the request to ${model} (HTTP ${f.status}): ${words}`, undefined, 'model');
  }
}

function providerWords(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // The OpenAI client starts its messages with the status, which Baton already gives.
  return text.split(/\n+Troubleshooting URL:/)[0]!.replace(/^\d{3} /, '').trim() || 'no details given';
}
