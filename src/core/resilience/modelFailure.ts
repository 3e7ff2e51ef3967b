import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import { BatonError } from '../errors';

/**
 * What went wrong with one model request, as the retry, the breaker and the fallbacks need to know it.
 * `transient` failures (rate limits, server errors, timeouts, dropped connections) may pass if tried
 * again or elsewhere; the others (a rejected key, a context too long, a bad request) will not, and
 * are reported at once with what to do.
 */
export type FailureKind = 'rate-limit' | 'server' | 'timeout' | 'network' | 'auth' | 'context' | 'not-found' | 'bad-request' | 'circuit-open' | 'cancelled';

export interface ModelFailure {
  kind: FailureKind;
  transient: boolean;
  status?: number;
  /** From the Retry-After header, when the server sent one. */
  retryAfterMs?: number;
}

/** A request that ran past the call timeout (baton's own clock, not the workflow's cancel). */
export class ModelTimeoutError extends Error {
  override readonly name = 'ModelTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${Math.round(timeoutMs / 100) / 10} s`);
  }
}

interface ErrorLike {
  name?: string;
  status?: number;
  code?: string | null;
  headers?: unknown;
  cause?: unknown;
}

export function describeFailure(e: unknown, now: () => number = Date.now): ModelFailure {
  if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) return { kind: 'circuit-open', transient: false };
  if (e instanceof ModelTimeoutError) return { kind: 'timeout', transient: true };
  // Baton's own errors are already explained; a cancel above all must never be retried.
  if (e instanceof BatonError) return { kind: e.kind === 'cancelled' ? 'cancelled' : 'bad-request', transient: false };
  if (typeof e !== 'object' || e === null) return { kind: 'network', transient: true };
  const err = e as ErrorLike;
  const cause = (typeof err.cause === 'object' && err.cause !== null ? err.cause : {}) as ErrorLike;
  const status = err.status ?? cause.status;
  const code = err.code ?? cause.code;
  if (code === 'context_length_exceeded' || err.name === 'ContextOverflowError') return { kind: 'context', transient: false, status };
  // The client's own timeout (LangChain renames APIConnectionTimeoutError to TimeoutError).
  if (err.name === 'TimeoutError') return { kind: 'timeout', transient: true };
  if (status === undefined) return { kind: 'network', transient: true }; // reset, refused, cut body
  if (status === 429) return { kind: 'rate-limit', transient: true, status, retryAfterMs: retryAfterOf(err.headers ?? cause.headers, now) };
  if (status === 408 || status >= 500) return { kind: 'server', transient: true, status, retryAfterMs: retryAfterOf(err.headers ?? cause.headers, now) };
  if (status === 401 || status === 403) return { kind: 'auth', transient: false, status };
  if (status === 404) return { kind: 'not-found', transient: false, status };
  return { kind: 'bad-request', transient: false, status };
}

function retryAfterOf(headers: unknown, now: () => number): number | undefined {
  const value = headers instanceof Headers ? headers.get('retry-after') : typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)['retry-after'] : undefined;
  return typeof value === 'string' ? parseRetryAfter(value, now()) : undefined;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
