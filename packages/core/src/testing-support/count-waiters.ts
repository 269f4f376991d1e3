/**
 * Waits a test places on a test server's counters ("3 open connections", "5 queries"). They are
 * settled from the server's own events, never by polling, so a test never needs a sleep to order
 * what it observes.
 */
import { AbortError, ConnectionError } from '../errors/index.js';

/** Options of one {@link CountWaiters.until} wait. */
export interface CountWaitOptions {
  /** Rejects the wait with an `AbortError` whose `cause` is the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

interface OpenWait {
  readonly done: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The open waits of one test server.
 *
 * The server calls {@link CountWaiters.changed} whenever a counter moves and
 * {@link CountWaiters.close} when it stops; tests call {@link CountWaiters.until}.
 *
 * - A wait whose condition already holds resolves at once.
 * - An aborted signal rejects the wait with an `AbortError` (`cause` = the signal's reason).
 * - Closing rejects every open wait, and every later wait that is not already satisfied, with a
 *   `ConnectionError` coded `CONN_CONNECTION_CLOSED`.
 *
 * A settled wait leaves nothing behind: it is dropped from the set and its abort listener removed.
 *
 * @example
 * ```ts
 * const waiters = new CountWaiters('MyDB test server');
 * // in the server: on every connect / disconnect
 * waiters.changed();
 * // in the server's test API
 * waitForConnectionCount(count, options) {
 *   return waiters.until(() => connections.size === count, `${count} open connections`, options);
 * }
 * ```
 */
export class CountWaiters {
  readonly #label: string;
  readonly #open = new Set<OpenWait>();
  #closed = false;

  /** @param label - Prefix of every error message, e.g. `"ZTeraDB test server"`. */
  constructor(label: string) {
    this.#label = label;
  }

  /** How many waits are still open (for leak checks in tests). */
  get pending(): number {
    return this.#open.size;
  }

  /**
   * Resolves once `done()` holds, checked now and after every {@link CountWaiters.changed}.
   * @param done - The condition, read from the server's own state.
   * @param what - What is awaited, in words, for error messages (e.g. `"3 queries"`).
   */
  until(done: () => boolean, what: string, options: CountWaitOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(this.#abortError(what, signal));
    if (done()) return Promise.resolve();
    if (this.#closed) return Promise.reject(this.#closedError(what));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => settle(() => reject(this.#abortError(what, signal as AbortSignal)));
      const settle = (finish: () => void): void => {
        this.#open.delete(wait);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const wait: OpenWait = {
        done,
        resolve: () => settle(resolve),
        reject: (error) => settle(() => reject(error)),
      };
      this.#open.add(wait);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A counter moved: resolve the waits now satisfied. */
  changed(): void {
    // Copy first: settling removes entries from the set being walked.
    for (const wait of [...this.#open]) if (wait.done()) wait.resolve();
  }

  /** The server closed: every open wait rejects, and so will any later unsatisfied one. */
  close(): void {
    this.#closed = true;
    for (const wait of [...this.#open]) wait.reject(this.#closedError('a wait'));
  }

  #abortError(what: string, signal: AbortSignal): AbortError {
    return new AbortError(`${this.#label}: ${what} was aborted`, { cause: signal.reason });
  }

  #closedError(what: string): ConnectionError {
    return new ConnectionError(`${this.#label}: closed before ${what} was satisfied`, {
      code: 'CONN_CONNECTION_CLOSED',
      retryable: false,
    });
  }
}
