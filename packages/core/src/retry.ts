import { abortReason, sleep } from './abort.js';
import { ConfigError, isConnError } from './errors/index.js';
import type { RandomSource } from './random.js';

/** Exponential back-off with full jitter: attempt n waits a random time in [0, min(maxMs, baseMs * factor^n)). */
export interface BackoffOptions {
  /** First ceiling in ms. Default 100. */
  baseMs?: number;
  /** Cap on any single wait in ms. Default 10_000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Jitter source; inject `seededRandom()` in tests. Default `Math.random`. */
  random?: RandomSource;
}

/** Returns the wait before retry number `attempt` (0-based), in milliseconds. */
export type Backoff = (attempt: number) => number;

/**
 * Exponential back-off with full jitter and a cap (the "Full Jitter" scheme): spreads retries of
 * many clients so they do not hammer a recovering server in lock-step.
 */
export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = positive(options.baseMs ?? 100, 'baseMs');
  const maxMs = positive(options.maxMs ?? 10_000, 'maxMs');
  const factor = positive(options.factor ?? 2, 'factor');
  const random = options.random ?? Math.random;
  return (attempt) => random() * Math.min(maxMs, baseMs * factor ** Math.max(0, attempt));
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Total tries including the first. Default 3. */
  attempts?: number;
  /** Absolute deadline (`Date.now()` scale). No retry starts, and no wait runs, past it. */
  deadline?: number;
  /** Stops waiting and retrying when aborted. */
  signal?: AbortSignal | undefined;
  /** Decides whether an error may be retried. Default: `err.retryable` of a `ConnError`, else false. */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Wait policy between attempts. Default `exponentialBackoff()`. */
  backoff?: Backoff;
  /** Called before each wait, e.g. for logging. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, the attempts are used up, the deadline
 * would pass, or the signal aborts. The last error is rethrown as it was, so its `code`, `cause`
 * and server fields stay intact.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new ConfigError(`attempts must be an integer >= 1, got ${String(attempts)}`, { field: 'attempts' });
  }
  const isRetryable = options.isRetryable ?? ((error: unknown) => isConnError(error) && error.retryable);
  const backoff = options.backoff ?? exponentialBackoff();
  const now = options.now ?? Date.now;
  const { signal, deadline } = options;

  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal, 'retry');
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= attempts || !isRetryable(error, attempt)) throw error;
      const delayMs = backoff(attempt);
      if (deadline !== undefined && now() + delayMs >= deadline) throw error;
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, signal);
    }
  }
}

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field} must be a positive number, got ${String(value)}`, { field });
  }
  return value;
}
