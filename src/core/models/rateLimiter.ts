import { setTimeout as delay } from 'node:timers/promises';

/**
 * One requests-per-minute limit shared by every agent of a workflow (a token bucket refilled
 * continuously). cockatiel has bulkheads but no rate limiter, and this is the whole of it.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perMinute: number, private readonly now: () => number = () => performance.now()) {
    if (!(perMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    this.tokens = Math.min(perMinute, Math.max(1, perMinute / 6));
    this.last = now();
  }

  /** Resolves when a request may go; callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.take(signal));
    // A cancelled waiter must not block the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      // Bursts up to a tenth of a minute's allowance; beyond that, requests are spread out.
      this.tokens = Math.min(Math.max(1, this.perMinute / 6), this.tokens + ((t - this.last) * this.perMinute) / 60_000);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await delay(((1 - this.tokens) * 60_000) / this.perMinute, undefined, signal ? { signal } : undefined);
    }
  }
}
