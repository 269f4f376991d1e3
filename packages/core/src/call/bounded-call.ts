import { abortReason } from '../abort.js';
import { type ConnError, isConnError, TimeoutError } from '../errors/index.js';
import type { CallContext } from './call-context.js';
import type { CallSpec } from './call-runner.js';
import { armDeadline, DeadlineEntry, disarmDeadline } from './deadline-list.js';

/** What a bounded call needs from its runner (one object per runner). @internal */
export interface CallFailures {
  readonly clientName: string;
  /** The error the caller gets for a failure (typed, saying whether a write may have executed). */
  failure(error: unknown, call: CallContext, spec: CallSpec): unknown;
}

/**
 * Settles a call's promise at its deadline or its caller's abort (after `graceMs`), whatever the
 * work does, or with the work's own outcome when that comes first. One object per call holds what
 * closures per call used to: the deadline is an entry of a shared list (see `deadline-list.ts`).
 * @internal
 */
export class BoundedCall<T> extends DeadlineEntry {
  readonly #call: CallContext;
  readonly #spec: CallSpec;
  readonly #failures: CallFailures;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;
  #done = false;
  #graceTimer: NodeJS.Timeout | undefined;
  #onAbort: (() => void) | undefined;

  constructor(
    running: Promise<T>,
    call: CallContext,
    spec: CallSpec,
    failures: CallFailures,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    super();
    this.#call = call;
    this.#spec = spec;
    this.#failures = failures;
    this.#resolve = resolve;
    this.#reject = reject;
    if (call.timeoutMs !== undefined) armDeadline(this, call.timeoutMs);
    const signal = call.callerSignal;
    if (signal !== undefined) {
      this.#onAbort = () => this.#end(abortReason(signal, spec.operation));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    running.then(
      (value) => this.#settle(value),
      (error: unknown) => this.#fail(error),
    );
  }

  /** The deadline passed. */
  expire(): void {
    const call = this.#call;
    const last = call.lastFailure;
    const why = last === undefined ? '' : `; last failure: ${last.message}`;
    const operation = this.#spec.operation;
    this.#end(
      new TimeoutError(
        `${this.#failures.clientName} ${operation} timed out after ${String(call.timeoutMs)} ms${why}`,
        {
          code: 'CONN_TIMEOUT',
          cause: last,
          details: { operation, timeoutMs: call.timeoutMs },
        },
      ),
    );
  }

  #settle(value: T): void {
    if (this.#done) return;
    this.#finish();
    this.#resolve(value);
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    this.#finish();
    // Ended by the deadline or the caller: that is the answer, and what the work said is its
    // cause; unless the work already reports a write that may have executed (e.g. an ambiguous
    // commit), which says more than the timeout.
    const reason = this.#call.reason;
    const failure =
      reason === undefined || error === reason || saysMayHaveExecuted(error)
        ? error
        : withCause(reason, error);
    this.#reject(this.#failures.failure(failure, this.#call, this.#spec));
  }

  #end(reason: ConnError): void {
    const call = this.#call;
    if (this.#done || call.reason !== undefined) return;
    call.end(reason);
    const graceMs = this.#spec.graceMs ?? 0;
    if (graceMs <= 0) {
      this.#finish();
      this.#reject(this.#failures.failure(reason, call, this.#spec));
      return;
    }
    // Stop the deadline now (it fired, or the caller aborted first); the grace timer is ref'd
    // like it: the caller is still waiting for the answer.
    disarmDeadline(this);
    this.#graceTimer = setTimeout(() => {
      if (this.#done) return;
      this.#finish();
      this.#reject(this.#failures.failure(reason, call, this.#spec));
    }, graceMs);
  }

  #finish(): void {
    this.#done = true;
    disarmDeadline(this);
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    if (this.#onAbort !== undefined) this.#call.callerSignal?.removeEventListener('abort', this.#onAbort);
  }
}

function saysMayHaveExecuted(error: unknown): boolean {
  return isConnError(error) && error.details['mayHaveExecuted'] === true;
}

/** The deadline's or abort's error, with what the interrupted work reported as its cause. */
function withCause(reason: ConnError, cause: unknown): ConnError {
  if (reason.cause !== undefined) return reason;
  const ErrorClass = reason.constructor as new (
    message: string,
    options: { code: ConnError['code']; cause: unknown; retryable: boolean; details: ConnError['details'] },
  ) => ConnError;
  return new ErrorClass(reason.message, {
    code: reason.code,
    cause,
    retryable: reason.retryable,
    details: reason.details,
  });
}
