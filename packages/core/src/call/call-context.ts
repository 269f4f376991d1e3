import type { CancelSource } from '../abort.js';
import type { ConnError } from '../errors/index.js';

/**
 * What one public call knows about itself while it runs: its single deadline, the caller's
 * signal, and whether a write has left for the server. Drivers pass it down instead of raw
 * `{ signal, timeoutMs }`, so the pool wait, the connect, the retries and the request all spend
 * one budget. Nothing is allocated for cancellation unless a layer asks for {@link signal}.
 */
export class CallContext implements CancelSource {
  /** The operation's name, e.g. `query`. */
  readonly operation: string;
  /** The whole call's time limit in ms; `undefined` when the call has none. */
  readonly timeoutMs: number | undefined;
  /** `performance.now()` at which the deadline fires (`Infinity` without one). */
  readonly endsAt: number;
  /** The signal the caller passed, if any. */
  readonly callerSignal: AbortSignal | undefined;
  /** Where the request went, once the driver knows; published with the call's trace events. */
  target: { readonly host: string; readonly port: number } | undefined;
  #controller: AbortController | undefined;
  #reason: ConnError | undefined;
  #sent = false;
  #lastFailure: ConnError | undefined;
  #cancelListeners: ((reason: ConnError) => void)[] | undefined;

  constructor(operation: string, timeoutMs: number | undefined, callerSignal: AbortSignal | undefined) {
    this.operation = operation;
    this.timeoutMs = timeoutMs;
    this.endsAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + timeoutMs;
    this.callerSignal = callerSignal;
  }

  /**
   * Aborts when the call's deadline fires or the caller aborts; its reason is a `ConnError`
   * (`TimeoutError` or `AbortError`). `undefined` when the call can neither time out nor be
   * aborted. Created on first use, so calls whose layers never wait pay nothing for it.
   */
  get signal(): AbortSignal | undefined {
    if (this.#controller !== undefined) return this.#controller.signal;
    if (this.timeoutMs === undefined && this.#reason === undefined) return this.callerSignal;
    this.#controller = new AbortController();
    if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    return this.#controller.signal;
  }

  /**
   * Calls `listener` once when the call ends by its deadline or its caller's abort: what a layer
   * that must stop early uses instead of {@link signal}, which costs an `AbortController` per call.
   */
  onCancel(listener: (reason: ConnError) => void): void {
    if (this.#reason !== undefined) return;
    if (this.#cancelListeners === undefined) this.#cancelListeners = [listener];
    else this.#cancelListeners.push(listener);
  }

  /** Forgets a listener given to {@link onCancel}. */
  offCancel(listener: (reason: ConnError) => void): void {
    const listeners = this.#cancelListeners;
    if (listeners === undefined) return;
    const index = listeners.lastIndexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  }

  /** Milliseconds left before the deadline (`Infinity` without one, 0 once it passed). */
  remainingMs(): number {
    if (this.timeoutMs === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.endsAt - performance.now());
  }

  /** The timeout or abort that ended the call, once one did. */
  get reason(): ConnError | undefined {
    return this.#reason;
  }

  /** Throws the timeout or abort that ended the call, if one did. */
  throwIfEnded(): void {
    if (this.#reason !== undefined) throw this.#reason;
  }

  /**
   * The driver handed a request that changes data to the network: from now on a timeout, an abort
   * or a lost connection cannot tell whether the server executed it, and the error says so.
   */
  markSent(): void {
    this.#sent = true;
  }

  /**
   * A failure the call recovered from (a host that was down, a retry): if the deadline fires
   * later, the `TimeoutError` names it and keeps it as `cause`, so the caller learns why it waited.
   */
  noteFailure(error: ConnError): void {
    this.#lastFailure = error;
  }

  /** The last failure passed to {@link noteFailure}. */
  get lastFailure(): ConnError | undefined {
    return this.#lastFailure;
  }

  /** The server confirmed the request did not run (e.g. cancelled before it executed). */
  markNotExecuted(): void {
    this.#sent = false;
  }

  /** True after {@link markSent} (and no {@link markNotExecuted} since). */
  get mayHaveExecuted(): boolean {
    return this.#sent;
  }

  /**
   * Ends the call with `reason`: the signal (if created) aborts and `onCancel` listeners run.
   * Called by the call runner.
   * @internal
   */
  end(reason: ConnError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#cancelListeners;
    this.#cancelListeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }
}
