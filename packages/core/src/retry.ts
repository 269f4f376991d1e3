import { abortReason, type CancelSource, sleep } from './abort.js';
import { ConfigError, isConnError } from './errors/index.js';
import type { RandomSource } from './random.js';

/**
 * How a wait is spread below its ceiling `c = min(maxMs, baseMs * factor^attempt)`:
 * `full` waits a random time in [0, c), `equal` in [c/2, c) (never less than half, so a
 * reconnect loop cannot spin), `none` exactly c.
 */
export type BackoffJitter = 'full' | 'equal' | 'none';

/** Options of {@link exponentialBackoff}. */
export interface BackoffOptions {
  /** First ceiling in ms. Default 100. */
  baseMs?: number | undefined;
  /** Cap on any single wait in ms. Default 10_000. */
  maxMs?: number | undefined;
  /** Growth per attempt. Default 2. */
  factor?: number | undefined;
  /** How the wait is spread below its ceiling. Default `full`. */
  jitter?: BackoffJitter | undefined;
  /** Jitter source; inject `seededRandom()` in tests. Default `Math.random`. */
  random?: RandomSource | undefined;
}

/** Returns the wait before retry number `attempt` (0-based), in milliseconds. */
export type Backoff = (attempt: number) => number;

/**
 * Exponential back-off with a cap and jitter (full jitter by default): spreads retries of many
 * clients so they do not hammer a recovering server in lock-step.
 * @throws ConfigError naming the invalid option.
 */
export function exponentialBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = positive(options.baseMs ?? 100, 'baseMs');
  const maxMs = positive(options.maxMs ?? 10_000, 'maxMs');
  const factor = positive(options.factor ?? 2, 'factor');
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'equal' && jitter !== 'none') {
    throw new ConfigError(`jitter must be 'full', 'equal' or 'none', got ${String(jitter)}`, {
      field: 'jitter',
    });
  }
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') throw new ConfigError('random must be a function', { field: 'random' });
  const ceiling = (attempt: number): number => Math.min(maxMs, baseMs * factor ** Math.max(0, attempt));
  if (jitter === 'none') return ceiling;
  if (jitter === 'equal') {
    return (attempt) => {
      const top = ceiling(attempt);
      return top / 2 + (random() * top) / 2;
    };
  }
  return (attempt) => random() * ceiling(attempt);
}

/**
 * What {@link RetryOptions.decide} answers for one failure: `'retry'` after the back-off wait,
 * `'fail'` to rethrow the error now, or a number: retry after exactly that many ms (0: at the
 * next turn of the event loop, e.g. on another host).
 */
export type RetryDecision = 'retry' | 'fail' | number;

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Total tries including the first; `Infinity` for "until the deadline or the signal". Default 3. */
  attempts?: number | undefined;
  /** Absolute deadline (`Date.now()` scale). No retry starts, and no wait runs, past it. */
  deadline?: number | undefined;
  /** Stops waiting and retrying when aborted; the call then rejects with the signal's `ConnError`. */
  signal?: AbortSignal | undefined;
  /** The same as `signal` for a call's {@link CancelSource} (cheaper: no `AbortSignal` per call). */
  cancel?: CancelSource | undefined;
  /**
   * The per-error decision (see {@link RetryDecision}); `attempt` is the 0-based try that failed.
   * Throw from it to fail with another error (e.g. "too many retries" carrying this one as cause).
   * Runs only while attempts remain. Default: `isRetryable` (then the back-off wait).
   */
  decide?: ((error: unknown, attempt: number) => RetryDecision) | undefined;
  /** Shorthand for a yes/no `decide`. Default: `err.retryable` of a `ConnError`, else false. */
  isRetryable?: ((error: unknown, attempt: number) => boolean) | undefined;
  /** Wait policy between attempts. Default `exponentialBackoff()`. */
  backoff?: Backoff | undefined;
  /** Called before each wait (after the decision), e.g. to log or to note the failure on the call. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
  /** Clock, injectable for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Runs `fn` until it succeeds, the decision is `'fail'`, the attempts are used up, the deadline
 * would pass, or the signal aborts. The last error is rethrown as it was, so its `code`, `cause`
 * and server fields stay intact; an abort during a wait rejects with the signal's `ConnError`
 * (a `TimeoutError` of a deadline, or an `AbortError`). Every retry waits on a timer, so even
 * zero-delay retries yield to the event loop and let the deadline fire.
 * @throws ConfigError for invalid options (as a rejection).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  if (attempts !== Number.POSITIVE_INFINITY && (!Number.isInteger(attempts) || attempts < 1)) {
    throw new ConfigError(`attempts must be an integer >= 1 or Infinity, got ${String(attempts)}`, {
      field: 'attempts',
    });
  }
  if (options.decide !== undefined && options.isRetryable !== undefined) {
    throw new ConfigError('pass either decide or isRetryable, not both', { field: 'decide' });
  }
  const decide = options.decide ?? fromIsRetryable(options.isRetryable);
  const now = options.now ?? Date.now;
  const { signal, cancel, deadline } = options;

  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal, 'retry');
    if (cancel?.reason !== undefined) throw cancel.reason;
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt + 1 >= attempts) throw error;
      const decision = decide(error, attempt);
      if (decision === 'fail') throw error;
      // The default back-off is built only when a wait needs it: most calls succeed at once.
      const delayMs =
        decision === 'retry' ? (options.backoff ?? exponentialBackoff())(attempt) : checkedDelay(decision);
      if (deadline !== undefined && now() + delayMs >= deadline) throw error;
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, signal, cancel);
    }
  }
}

/** `isConnError(error) && error.retryable`: the decision when neither `decide` nor `isRetryable` is given. */
function retryableConnError(error: unknown): RetryDecision {
  return isConnError(error) && error.retryable ? 'retry' : 'fail';
}

function fromIsRetryable(
  isRetryable: ((error: unknown, attempt: number) => boolean) | undefined,
): (error: unknown, attempt: number) => RetryDecision {
  if (isRetryable === undefined) return retryableConnError;
  return (error, attempt) => (isRetryable(error, attempt) ? 'retry' : 'fail');
}

function checkedDelay(value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ConfigError(`decide must return 'retry', 'fail' or a delay in ms >= 0, got ${String(value)}`, {
      field: 'decide',
    });
  }
  return value;
}

function positive(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field} must be a positive number, got ${String(value)}`, { field });
  }
  return value;
}
