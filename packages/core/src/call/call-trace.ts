import diagnosticsChannel from 'node:diagnostics_channel';
import type { ConnError } from '../errors/index.js';

/**
 * The one payload every driver publishes for a call, on the `tracingChannel`
 * `conn:<package>:<operation>` (sub-channels `tracing:conn:<package>:<operation>:start`, `:end`,
 * `:asyncStart`, `:asyncEnd`, `:error`). The same object travels through all of them and gains
 * fields as the call goes; results and bound values are never published.
 */
export interface CallTracePayload {
  /** The package, e.g. `siridb`. */
  readonly package: string;
  /** The operation, e.g. `query`. */
  readonly operation: string;
  /** The statement text with secrets masked (e.g. `PASSWORD '***'`), when the call has one. */
  readonly statement: string | undefined;
  /** The host the request went to, once known. */
  host: string | undefined;
  port: number | undefined;
  /** Duration in ms, set when the call settles. */
  durationMs: number | undefined;
  /** The error the caller got (on `:error` and after). */
  error: ConnError | undefined;
}

/** The tracing channel of one operation of one package. */
export type CallTracingChannel = diagnosticsChannel.TracingChannel<object, CallTracePayload>;

/** Channel name of an operation: `conn:<package>:<operation>`. */
export function callChannelName(packageName: string, operation: string): string {
  return `conn:${packageName}:${operation}`;
}

/** Caches one `tracingChannel` per operation name. */
export class CallTracer {
  readonly #packageName: string;
  readonly #channels = new Map<string, CallTracingChannel>();

  constructor(packageName: string) {
    this.#packageName = packageName;
  }

  /** The operation's channel when somebody listens, else `undefined` (nothing else is allocated). */
  active(operation: string): CallTracingChannel | undefined {
    let channel = this.#channels.get(operation);
    if (channel === undefined) {
      channel = diagnosticsChannel.tracingChannel(
        callChannelName(this.#packageName, operation),
      ) as CallTracingChannel;
      this.#channels.set(operation, channel);
    }
    return channel.hasSubscribers ? channel : undefined;
  }

  /** A fresh payload for a call that is being traced. */
  payload(operation: string, statement: string | undefined): CallTracePayload {
    return {
      package: this.#packageName,
      operation,
      statement,
      host: undefined,
      port: undefined,
      durationMs: undefined,
      error: undefined,
    };
  }
}
