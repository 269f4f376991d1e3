/**
 * Promises a test awaits until a server counter reaches a value: settled from the server's own
 * events (never by polling), rejected when the server closes or the caller aborts.
 * @internal
 */
import { AbortError, ConnectionError } from '@conn/core';

/** Options of the test server's `waitFor…` methods. */
export interface ApertureDBWaitOptions {
  /** Rejects the wait with an `AbortError` (cause = the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The open waits of one server. */
export class Waiters {
  readonly #waiting = new Set<Waiter>();
  #closed = false;

  /** Resolves once `done()` holds, checked now and after every {@link changed}. */
  until(done: () => boolean, what: string, options: ApertureDBWaitOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(what, signal));
    if (done()) return Promise.resolve();
    if (this.#closed) return Promise.reject(closedError(what));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => settle(() => reject(abortError(what, signal as AbortSignal)));
      const settle = (finish: () => void): void => {
        this.#waiting.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const waiter: Waiter = {
        done,
        resolve: () => settle(resolve),
        reject: (error) => settle(() => reject(error)),
      };
      this.#waiting.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A counter moved: resolve the waits now satisfied. */
  changed(): void {
    for (const waiter of [...this.#waiting]) if (waiter.done()) waiter.resolve();
  }

  /** The server closed: every wait still open rejects. */
  close(): void {
    this.#closed = true;
    for (const waiter of [...this.#waiting]) waiter.reject(closedError('a wait'));
  }
}

function abortError(what: string, signal: AbortSignal): AbortError {
  return new AbortError(`ApertureDB test server: ${what} was aborted`, { cause: signal.reason });
}

function closedError(what: string): ConnectionError {
  return new ConnectionError(`ApertureDB test server: closed before ${what} was satisfied`, {
    code: 'CONN_CONNECTION_CLOSED',
    retryable: false,
  });
}
