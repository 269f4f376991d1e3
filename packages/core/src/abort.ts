import { AbortError, ConnError, type ConnErrorCode, TimeoutError } from './errors/index.js';
import { durationOption } from './options/option-checks.js';

/** Options every async method of every `@conn` client accepts. */
export interface CallOptions {
  /** Cancels the call; the call rejects with an `AbortError` whose `cause` is the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Time limit for the whole call in milliseconds; the call rejects with a `TimeoutError`. */
  timeoutMs?: number | undefined;
}

/**
 * A call's end (its deadline or its caller's abort) told to listeners once: what a hot path uses
 * instead of an `AbortSignal`, which costs an `AbortController`, an event target and listener
 * objects per call. `CallContext` is one.
 */
export interface CancelSource {
  /** The `ConnError` that ended the call, once it ended. */
  readonly reason: ConnError | undefined;
  /** Calls `listener` once when the call ends (not when it already has: check `reason` first). */
  onCancel(listener: (reason: ConnError) => void): void;
  /** Forgets a listener given to `onCancel`. */
  offCancel(listener: (reason: ConnError) => void): void;
}

/** Options of one request on a connection: {@link CallOptions}, or the call's {@link CancelSource}. */
export interface RequestOptions extends CallOptions {
  /** Ends the request when the call ends; cheaper than passing the call's `signal`. */
  cancel?: CancelSource | undefined;
}

/** What a {@link createDeadline} call should say when its time runs out. */
export interface DeadlineLabel {
  /** Words for messages, e.g. `"query"` gives "query timed out after 50 ms". */
  what?: string;
  /** Code of the `TimeoutError`; defaults to `CONN_TIMEOUT`. */
  timeoutCode?: ConnErrorCode;
  /**
   * Background work nobody awaits (a prefill, a keepalive): its timer is unref'd so it never keeps
   * the process alive. Default false: a caller awaits the work, so the timer holds the process open
   * until the deadline settles the call (an unref'd timer would let a script exit with the promise
   * pending).
   */
  background?: boolean;
}

/**
 * A caller's signal combined with a timeout. Its `signal` aborts with a ready-made `ConnError` as
 * the reason: `TimeoutError` when the time ran out, `AbortError` (cause = the caller's reason) when
 * the caller aborted. Dispose it when the operation ends, so no timer or listener is left behind.
 */
export interface Deadline extends Disposable {
  /** Aborts when the caller aborts or the time runs out; its reason is a `ConnError`. */
  readonly signal: AbortSignal;
  /** Milliseconds left, `Infinity` without a timeout. */
  remainingMs(): number;
  /** Throws the abort reason when the deadline has already fired. */
  throwIfAborted(): void;
  /** Clears the timer and detaches from the caller's signal. */
  dispose(): void;
}

/**
 * Combines `options.signal` and `options.timeoutMs` into one {@link Deadline}.
 * @throws ConfigError when `timeoutMs` is not a non-negative finite number.
 */
export function createDeadline(options: CallOptions = {}, label: DeadlineLabel = {}): Deadline {
  const what = label.what ?? 'operation';
  const timeoutMs = validateTimeout(options.timeoutMs);
  const controller = new AbortController();
  const callerSignal = options.signal;
  const endsAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;

  const onCallerAbort = (): void => {
    controller.abort(abortErrorFrom(callerSignal?.reason, what));
    cleanup();
  };
  const cleanup = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    callerSignal?.removeEventListener('abort', onCallerAbort);
  };

  if (callerSignal?.aborted) {
    controller.abort(abortErrorFrom(callerSignal.reason, what));
  } else {
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        controller.abort(
          new TimeoutError(`${what} timed out after ${timeoutMs} ms`, {
            code: label.timeoutCode ?? 'CONN_TIMEOUT',
            details: { timeoutMs },
          }),
        );
        cleanup();
      }, timeoutMs);
      if (label.background === true) timer.unref();
    }
  }

  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    throwIfAborted: () => {
      if (controller.signal.aborted) throw abortReason(controller.signal);
    },
    dispose: cleanup,
    [Symbol.dispose]: cleanup,
  };
}

/**
 * The `ConnError` an aborted signal stands for: its reason when that already is a `ConnError`
 * (our deadlines), otherwise an `AbortError` carrying the reason as `cause`.
 */
export function abortReason(signal: AbortSignal, what = 'operation'): ConnError {
  return abortErrorFrom(signal.reason, what);
}

function abortErrorFrom(reason: unknown, what: string): ConnError {
  if (reason instanceof ConnError) return reason;
  return new AbortError(`${what} was aborted`, { cause: reason });
}

/**
 * Settles like `promise`, or rejects with the signal's `ConnError` as soon as it aborts. The
 * promise itself is not cancelled: pass the signal to the work too when it can stop early.
 */
export function raceWithSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what?: string,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal, what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Waits `ms` milliseconds, or rejects at once when `signal` aborts or `cancel` ends (with its
 * reason). The timer is ref'd: somebody
 * awaits the sleep (a retry back-off inside a call), and an unref'd timer would let the process
 * exit with that call still pending. Background loops use their own unref'd timers.
 */
export function sleep(ms: number, signal?: AbortSignal, cancel?: CancelSource): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal, 'sleep'));
  if (cancel?.reason !== undefined) return Promise.reject(cancel.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      cancel?.offCancel(onCancel);
      reject(abortReason(signal as AbortSignal, 'sleep'));
    };
    const onCancel = (reason: ConnError): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      cancel?.offCancel(onCancel);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    cancel?.onCancel(onCancel);
  });
}

function validateTimeout(timeoutMs: number | undefined): number | undefined {
  return timeoutMs === undefined ? undefined : durationOption(timeoutMs, 'timeoutMs', 0);
}
