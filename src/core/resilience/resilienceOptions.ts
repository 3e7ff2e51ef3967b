/** How hard Baton tries a model before giving up on it; the engine takes these from settings, tests shrink them. */
export interface ResilienceOptions {
  /** Retries after the first request, on 429, 5xx, timeouts and dropped connections. */
  maxRetries: number;
  /** The first backoff; later ones grow exponentially, with jitter. */
  initialDelayMs: number;
  /** No wait is longer, Retry-After included. */
  maxDelayMs: number;
  /** One request's limit; the request is aborted when it passes. */
  callTimeoutMs: number;
  /** Consecutive failed requests of one agent to one model that open its circuit breaker. */
  breakerThreshold: number;
  /** How long an open breaker refuses calls before letting one through (half-open). */
  breakerCooldownMs: number;
  /** Models tried in order when the primary keeps failing or its breaker is open (`baton.model.fallbacks`). */
  fallbackModels: readonly string[];
}

export const defaultResilience: ResilienceOptions = {
  maxRetries: 3,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  callTimeoutMs: 120_000,
  breakerThreshold: 5,
  breakerCooldownMs: 30_000,
  fallbackModels: [],
};

export function resilienceWith(overrides: Partial<ResilienceOptions> = {}): ResilienceOptions {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...defaultResilience, ...defined };
}
