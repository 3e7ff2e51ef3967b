import { CircuitState, ConsecutiveBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleWhen, retry, timeout, wrap } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { BatonError } from '../errors';
import type { EventBus } from '../events/eventBus';
import { isTerminalEvent } from '../events/events';
import type { RateLimiter } from '../models/rateLimiter';
import { modelError } from './modelErrors';
import { ModelTimeoutError, describeFailure } from './modelFailure';
import type { ResilienceOptions } from './resilienceOptions';
import { retryAfterBackoff } from './retryBackoff';

export interface CallSite {
  workflowId: string;
  agentId: string;
  taskId?: string;
  signal?: AbortSignal;
}

/** One request to one model; `signal` aborts the HTTP request (timeout or cancel). */
export type ModelRequest<T> = (model: string, signal: AbortSignal) => Promise<T>;

const isTransient = (e: unknown): boolean => describeFailure(e).transient;

const stateNames = { [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Closed]: 'closed' } as const;

/**
 * The one retry layer for model calls (LangChain's own retries are off): each request is bounded by a
 * timeout, retried with backoff on transient failures, and counted by a circuit breaker per agent and
 * model (per workflow, so its events belong to one). A model that still fails, or whose breaker is
 * open, hands the call to the next fallback model. Non-transient failures (a rejected key, a context
 * too long) are reported at once: retrying or switching models would not help and would cost money.
 */
export class ModelResilience {
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    private readonly options: ResilienceOptions,
    private readonly bus: EventBus,
    private readonly limiter: RateLimiter,
  ) {
    // Breakers live as long as their workflow.
    bus.on('*', (e) => {
      if (!isTerminalEvent(e)) return;
      for (const key of this.breakers.keys()) if (key.startsWith(`${e.workflowId}\u0000`)) this.breakers.delete(key);
    });
  }

  async call<T>(site: CallSite, primary: string, request: ModelRequest<T>): Promise<{ value: T; model: string }> {
    const chain = [...new Set([primary, ...this.options.fallbackModels])];
    let last: BatonError | undefined;
    for (const [i, model] of chain.entries()) {
      let attempts = 0;
      try {
        const value = await this.attempts(site, model, (m, signal) => {
          attempts++;
          return request(m, signal);
        });
        return { value, model };
      } catch (e) {
        if (site.signal?.aborted) throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
        const failure = describeFailure(e);
        last = modelError(e, { model, agentId: site.agentId, attempts });
        if (!failure.transient && failure.kind !== 'circuit-open') throw last;
        const next = chain[i + 1];
        if (next) this.bus.emit(site.workflowId, 'model.fallback', { from: model, to: next, reason: last.message.slice(0, 500), taskId: site.taskId }, site.agentId);
      }
    }
    throw last!;
  }

  private async attempts<T>(site: CallSite, model: string, request: ModelRequest<T>): Promise<T> {
    const o = this.options;
    const perRequest = timeout(o.callTimeoutMs, TimeoutStrategy.Aggressive);
    // cockatiel's backoff sleep ignores the signal: unref'd, it cannot hold a cancelled process open,
    // and a timer of Baton's own keeps the process alive while a live call waits.
    const retries = retry(handleWhen(isTransient), { maxAttempts: o.maxRetries, backoff: retryAfterBackoff(o) }).dangerouslyUnref();
    retries.onRetry(({ delay }) => holdOpen(delay, site.signal));
    const policy = wrap(retries, this.breaker(site, model));
    const run = policy.execute(async ({ signal }) => {
      await this.limiter.acquire(signal);
      try {
        return await perRequest.execute(({ signal: bounded }) => request(model, bounded), signal);
      } catch (e) {
        if (signal.aborted) throw new BatonError('The workflow was cancelled.', undefined, 'cancelled');
        throw e instanceof TaskCancelledError ? new ModelTimeoutError(o.callTimeoutMs) : e;
      }
    }, site.signal);
    return untilAborted(run, site.signal);
  }

  private breaker(site: CallSite, model: string): CircuitBreakerPolicy {
    const key = `${site.workflowId}\u0000${site.agentId}\u0000${model}`;
    let breaker = this.breakers.get(key);
    if (breaker) return breaker;
    const made = circuitBreaker(handleWhen(isTransient), { halfOpenAfter: this.options.breakerCooldownMs, breaker: new ConsecutiveBreaker(this.options.breakerThreshold) });
    made.onStateChange((state) => {
      if (state === CircuitState.Isolated) return;
      const failure = made.lastFailure;
      const reason = state === CircuitState.Open && failure && 'error' in failure ? `repeated failures, the last: ${modelError(failure.error, { model }).message}`.slice(0, 500) : undefined;
      const retryAfterMs = state === CircuitState.Open ? this.options.breakerCooldownMs : undefined;
      this.bus.emit(site.workflowId, 'circuit.state', { agentId: site.agentId, model, state: stateNames[state], reason, retryAfterMs }, site.agentId);
    });
    this.breakers.set(key, (breaker = made));
    return breaker;
  }
}

function holdOpen(ms: number, signal: AbortSignal | undefined): void {
  const timer = setTimeout(() => signal?.removeEventListener('abort', release), ms);
  const release = () => clearTimeout(timer);
  signal?.addEventListener('abort', release, { once: true });
}

/**
 * cockatiel's backoff sleeps do not listen to the signal; a cancel must not wait them out (the kill
 * switch promises seconds). The abandoned retry finds the signal aborted and makes no request.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new BatonError('The workflow was cancelled.', undefined, 'cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
