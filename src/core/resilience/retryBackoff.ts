import { ExponentialBackoff, decorrelatedJitterGenerator } from 'cockatiel';
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { describeFailure } from './modelFailure';

export interface BackoffOptions {
  initialDelayMs: number;
  /** Caps every wait, Retry-After included: a server asking for minutes is better left to the fallbacks. */
  maxDelayMs: number;
}

type Context = IRetryBackoffContext<unknown>;

/**
 * cockatiel's exponential backoff with decorrelated jitter, except that a Retry-After header is a
 * floor: Baton never calls back sooner than the server asked (up to maxDelayMs).
 */
export function retryAfterBackoff(options: BackoffOptions, now: () => number = Date.now): IBackoffFactory<Context> {
  const exponential = new ExponentialBackoff({ generator: decorrelatedJitterGenerator, initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs });
  const step = (inner: IBackoff<unknown>, context: Context): IBackoff<Context> => {
    const asked = 'error' in context.result ? describeFailure(context.result.error, now).retryAfterMs : undefined;
    return {
      duration: Math.min(options.maxDelayMs, Math.max(inner.duration, asked ?? 0)),
      next: (later) => step(inner.next(later), later),
    };
  };
  return { next: (context) => step(exponential.next(), context) };
}
