import type { CallOptions } from '../abort.js';
import { abortReason } from '../abort.js';
import {
  AbortError,
  asConnError,
  ClientClosedError,
  ConfigError,
  ConnectionError,
  isConnError,
  TimeoutError,
} from '../errors/index.js';
import { deadlineOption } from '../options/option-checks.js';
import { BoundedCall, type CallFailures } from './bounded-call.js';
import { CallContext } from './call-context.js';
import { type CallTracePayload, CallTracer, type CallTracingChannel } from './call-trace.js';
import { withMayHaveExecuted } from './may-have-executed.js';

/** How a client's calls behave; one runner per client. */
export interface CallRunnerOptions {
  /** The package name in channel names, e.g. `siridb` (`conn:siridb:query`). */
  readonly packageName: string;
  /** The client's name in messages, e.g. `SiriDB client`. */
  readonly clientName: string;
  /** True once the client's `close()` began: calls then fail with `ClientClosedError`. */
  readonly isClosed: () => boolean;
  /** Deadline of a call that names none, in ms; `undefined` or `Infinity` for none. */
  readonly defaultTimeoutMs?: number | undefined;
  /** Replaces secrets in a statement before it is published (e.g. `PASSWORD '…'`). */
  readonly maskStatement?: ((statement: string) => string) | undefined;
}

/** One call's description. */
export interface CallSpec {
  /** The operation's name: the channel is `conn:<package>:<operation>`. */
  readonly operation: string;
  /** The statement text, published masked to tracing subscribers. */
  readonly statement?: string | undefined;
  /**
   * The call may change data. When it fails by timeout, abort or lost connection after the
   * driver marked the request sent, the error carries `details.mayHaveExecuted: true` and
   * `retryable: false`.
   */
  readonly write?: boolean | undefined;
  /** This operation's own default deadline, overriding the client's. */
  readonly defaultTimeoutMs?: number | undefined;
  /**
   * After the deadline fires (or the caller aborts) the work may still settle for this long, so
   * a driver can cancel on the server and report what really happened. Default 0.
   */
  readonly graceMs?: number | undefined;
  /**
   * The work runs a callback of the caller's (e.g. a transaction body): a failure that is not a
   * `ConnError` is the caller's own and reaches it unchanged instead of as `CONN_UNEXPECTED`.
   */
  readonly runsCallerCode?: boolean | undefined;
}

/**
 * The one path every public async method of every driver takes: the closed-client check, one
 * deadline for the whole call (its timer ref'd, so a script awaiting the call stays alive until it
 * settles), the caller's `AbortSignal`, typed errors that say when a write may have executed, and
 * a `tracingChannel` per operation with one payload shape. With no subscriber and no signal it
 * allocates one context, one timer and one promise.
 */
export class CallRunner {
  readonly #options: CallRunnerOptions;
  readonly #tracer: CallTracer;
  readonly #defaultTimeoutMs: number | undefined;
  readonly #failures: CallFailures;

  constructor(options: CallRunnerOptions) {
    this.#options = options;
    this.#failures = {
      clientName: options.clientName,
      failure: (error, call, spec) => this.#failure(error, call, spec),
    };
    this.#tracer = new CallTracer(options.packageName);
    this.#defaultTimeoutMs = checkTimeout(options.defaultTimeoutMs, 'timeoutMs');
  }

  /** The error every call gets after `close()`. */
  closedError(): ClientClosedError {
    return new ClientClosedError(`the ${this.#options.clientName} is closed`);
  }

  /** Runs `work` as one call. Never throws synchronously: every failure is a rejected promise. */
  run<T>(
    spec: CallSpec,
    options: CallOptions | undefined,
    work: (call: CallContext) => Promise<T>,
  ): Promise<T> {
    if (this.#options.isClosed()) return Promise.reject(this.closedError());
    const signal = options?.signal;
    let timeoutMs: number | undefined;
    try {
      timeoutMs =
        options?.timeoutMs === undefined
          ? (checkTimeout(spec.defaultTimeoutMs, 'defaultTimeoutMs') ?? this.#defaultTimeoutMs)
          : checkTimeout(options.timeoutMs, 'timeoutMs');
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal !== undefined && !isAbortSignal(signal)) {
      return Promise.reject(new ConfigError('signal must be an AbortSignal', { field: 'signal' }));
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal, spec.operation));

    const call = new CallContext(spec.operation, timeoutMs, signal);
    const channel = this.#tracer.active(spec.operation);
    const payload = channel === undefined ? undefined : this.#startTrace(channel, spec);
    const startedAt = payload === undefined ? 0 : performance.now();

    let running: Promise<T>;
    try {
      running = work(call);
    } catch (error) {
      running = Promise.reject(error);
    }
    if (payload !== undefined) channel?.end.publish(payload);
    // Failures leave as the caller's error (typed, saying whether a write may have executed).
    const settled =
      timeoutMs === undefined && signal === undefined
        ? running.catch((error: unknown) => {
            throw this.#failure(error, call, spec);
          })
        : new Promise<T>((resolve, reject) => {
            // Kept alive by its deadline entry, its abort listener and the work's callbacks.
            new BoundedCall(running, call, spec, this.#failures, resolve, reject);
          });
    // No subscriber: no further promise per call.
    if (payload === undefined) return settled;
    const traced = channel as CallTracingChannel;
    return settled.then(
      (value) => {
        this.#finishTrace(traced, payload, call, startedAt);
        return value;
      },
      (failure: unknown) => {
        payload.error = asConnError(failure);
        traced.error.publish(payload);
        this.#finishTrace(traced, payload, call, startedAt);
        throw failure;
      },
    );
  }

  #failure(error: unknown, call: CallContext, spec: CallSpec): unknown {
    if (spec.runsCallerCode === true && !isConnError(error)) return error;
    const failure = asConnError(error, `${this.#options.clientName} ${spec.operation}`);
    if (spec.write !== true || !call.mayHaveExecuted) return failure;
    if (
      failure instanceof TimeoutError ||
      failure instanceof AbortError ||
      failure instanceof ConnectionError
    ) {
      return withMayHaveExecuted(failure);
    }
    return failure;
  }

  #startTrace(channel: CallTracingChannel, spec: CallSpec): CallTracePayload {
    const mask = this.#options.maskStatement;
    const statement =
      spec.statement === undefined || mask === undefined ? spec.statement : mask(spec.statement);
    const payload = this.#tracer.payload(spec.operation, statement);
    channel.start.publish(payload);
    return payload;
  }

  #finishTrace(
    channel: CallTracingChannel,
    payload: CallTracePayload,
    call: CallContext,
    startedAt: number,
  ): void {
    payload.durationMs = performance.now() - startedAt;
    payload.host = call.target?.host;
    payload.port = call.target?.port;
    channel.asyncStart.publish(payload);
    channel.asyncEnd.publish(payload);
  }
}

/** An AbortSignal, or something that behaves as one (another realm's); plain JavaScript may pass anything. */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const candidate = value as { aborted?: unknown; addEventListener?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.aborted === 'boolean' &&
    typeof candidate.addEventListener === 'function'
  );
}

function checkTimeout(value: number | undefined, field: string): number | undefined {
  return deadlineOption(value, field, undefined);
}
