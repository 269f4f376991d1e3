import net, { type LookupFunction, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createDeadline } from '../abort.js';
import type { EventPublisher } from '../diagnostics.js';
import { ConfigError, ConnError, ConnectionError, isConnError, TimeoutError } from '../errors/index.js';
import { durationOption, integerOption } from '../options/option-checks.js';
import { whenSocketClosed } from './socket-closed.js';
import { type TlsOptions, upgradeToTls } from './tls-upgrade.js';

/** Where a socket connects to; given to handshake hooks and used in error details. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * A protocol handshake run on the fresh socket inside the connect timeout (hello exchange, TLS
 * upgrade, authentication). It resolves with the socket to use from then on: the same one, or
 * the TLS socket returned by {@link upgradeToTls}. It must stop when `signal` aborts.
 */
export type HandshakeHook = (socket: Socket, signal: AbortSignal, target: ConnectTarget) => Promise<Socket>;

/** Options of {@link connectSocket}. */
export interface ConnectOptions {
  /** Host name or IP address. */
  host: string;
  /** TCP port, 1 to 65535. */
  port: number;
  /** TLS from the first byte (direct TLS). Omit or `false` for cleartext, or to upgrade in `handshake`. */
  tls?: TlsOptions | false | undefined;
  /** Time limit for DNS, TCP, TLS and `handshake` together. Default 10 000 ms. */
  connectTimeoutMs?: number | undefined;
  /** Cancels connecting; the promise rejects with an `AbortError`. */
  signal?: AbortSignal | undefined;
  /** Disables Nagle's algorithm (`TCP_NODELAY`). Default `true`. */
  noDelay?: boolean | undefined;
  /** Enables TCP keepalive probes. Default `true`. */
  keepAlive?: boolean | undefined;
  /** Idle time before the first keepalive probe. Default 60 000 ms. */
  keepAliveInitialDelayMs?: number | undefined;
  /** Replaces DNS resolution (`dns.lookup` signature), mainly for tests. */
  lookup?: LookupFunction | undefined;
  /** Protocol handshake run after TCP (and TLS) inside the connect timeout. */
  handshake?: HandshakeHook | undefined;
  /** Publishes `transport:connect` and `transport:connect-failed` events when given. */
  events?: EventPublisher | undefined;
}

/** Default of {@link ConnectOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Default of {@link ConnectOptions.keepAliveInitialDelayMs}. */
export const DEFAULT_KEEPALIVE_INITIAL_DELAY_MS = 60_000;

type Phase = 'dns' | 'tcp' | 'tls' | 'handshake';

/**
 * Opens a TCP connection, optionally TLS, and runs the protocol handshake, all within one
 * connect timeout. On any failure every socket opened is destroyed and closed before the promise
 * rejects.
 *
 * @throws ConfigError for invalid options (before any I/O).
 * @throws TimeoutError `CONN_CONNECT_TIMEOUT` (retryable) when the time runs out; `details.phase`
 * says which step was slow.
 * @throws AbortError when `signal` aborts.
 * @throws ConnectionError `CONN_CONNECTION_FAILED` for DNS failures, refusals and resets, or
 * `CONN_TLS_FAILED` for TLS failures; `details` hold `host` and `port`. Errors thrown by
 * `handshake` that are `ConnError`s pass through unchanged.
 */
export async function connectSocket(options: ConnectOptions): Promise<Socket> {
  const { host, port } = validateConnectOptions(options);
  const target: ConnectTarget = { host, port };
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = createDeadline(
    { signal: options.signal, timeoutMs },
    { what: `connect to ${host}:${port}`, timeoutCode: 'CONN_CONNECT_TIMEOUT' },
  );
  const startedAt = performance.now();
  const opened: Socket[] = [];
  let phase: Phase = net.isIP(host) === 0 ? 'dns' : 'tcp';
  try {
    deadline.throwIfAborted();
    const connectOptions: net.TcpNetConnectOpts = {
      host,
      port,
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? true,
      keepAliveInitialDelay: options.keepAliveInitialDelayMs ?? DEFAULT_KEEPALIVE_INITIAL_DELAY_MS,
    };
    if (options.lookup !== undefined) connectOptions.lookup = options.lookup;
    let socket = net.connect(connectOptions);
    opened.push(socket);
    const onLookup = (): void => {
      if (phase === 'dns') phase = 'tcp';
    };
    socket.once('lookup', onLookup);
    await waitForConnect(socket, deadline.signal, target);
    socket.off('lookup', onLookup);
    if (options.tls !== undefined && options.tls !== false) {
      phase = 'tls';
      socket = await upgradeToTls(socket, { ...options.tls, host, port }, deadline.signal);
      opened.push(socket);
    }
    if (options.handshake !== undefined) {
      phase = 'handshake';
      socket = await runHandshake(options.handshake, socket, deadline.signal, target, opened);
    }
    deadline.throwIfAborted();
    options.events?.publish('transport:connect', () => ({
      host,
      port,
      tls: options.tls !== undefined && options.tls !== false,
      durationMs: performance.now() - startedAt,
    }));
    return socket;
  } catch (error) {
    const failure = deadline.signal.aborted
      ? deadlineFailure(deadline.signal.reason, target, phase, timeoutMs)
      : connectFailure(error, target, phase);
    options.events?.publish('transport:connect-failed', () => ({ host, port, phase, error: failure }));
    for (const socket of opened) socket.destroy();
    await Promise.all(opened.map(whenSocketClosed));
    throw failure;
  } finally {
    deadline.dispose();
  }
}

function validateConnectOptions(options: ConnectOptions): ConnectTarget {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('connect options are required', { field: 'options' });
  }
  const { host, port } = options;
  if (typeof host !== 'string' || host.length === 0) {
    throw new ConfigError('host must be a non-empty string', { field: 'host' });
  }
  integerOption(port, 'port', 0, 1, 65_535);
  for (const field of ['connectTimeoutMs', 'keepAliveInitialDelayMs'] as const) {
    durationOption(options[field], field, 0);
  }
  if (options.handshake !== undefined && typeof options.handshake !== 'function') {
    throw new ConfigError('handshake must be a function', { field: 'handshake' });
  }
  return { host, port };
}

function waitForConnect(socket: Socket, signal: AbortSignal, target: ConnectTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: unknown): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onConnect = (): void => finish();
    const onError = (error: Error): void => finish(socketFailure(error, target));
    const onAbort = (): void => finish(signal.reason);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs the hook while watching the socket, so a reset during the handshake fails fast. */
function runHandshake(
  hook: HandshakeHook,
  socket: Socket,
  signal: AbortSignal,
  target: ConnectTarget,
  opened: Socket[],
): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, result?: Socket): void => {
      if (settled) return;
      settled = true;
      socket.off('error', onError);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (result !== undefined) resolve(result);
      else reject(error);
    };
    const onError = (error: Error): void => finish(socketFailure(error, target));
    const onClose = (): void =>
      finish(
        new ConnectionError(`connection to ${target.host}:${target.port} closed during the handshake`, {
          code: 'CONN_CONNECTION_CLOSED',
          details: { ...target },
        }),
      );
    const onAbort = (): void => finish(signal.reason);
    socket.on('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    let result: Promise<Socket>;
    try {
      result = Promise.resolve(hook(socket, signal, target));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (next) => {
        if (settled) {
          // Too late: connecting already failed, and nobody will use this socket.
          if (next !== socket && typeof next?.destroy === 'function') next.destroy();
          return;
        }
        if (next !== socket && !opened.includes(next)) opened.push(next);
        if (next === undefined || next === null || typeof next.write !== 'function') {
          finish(new ConfigError('handshake must resolve with the socket to use', { field: 'handshake' }));
          return;
        }
        finish(undefined, next);
      },
      (error: unknown) => finish(error),
    );
  });
}

function socketFailure(error: Error, target: ConnectTarget): ConnectionError {
  const code = (error as NodeJS.ErrnoException).code;
  return new ConnectionError(`connect to ${target.host}:${target.port} failed: ${error.message}`, {
    cause: error,
    details: { ...target, ...(code === undefined ? {} : { errorCode: code }) },
  });
}

function deadlineFailure(reason: unknown, target: ConnectTarget, phase: Phase, timeoutMs: number): ConnError {
  if (reason instanceof TimeoutError) {
    return new TimeoutError(
      `connect to ${target.host}:${target.port} timed out after ${timeoutMs} ms (during ${phase})`,
      // Nothing was sent yet, so trying again (maybe another host) is safe.
      { code: 'CONN_CONNECT_TIMEOUT', retryable: true, details: { ...target, timeoutMs, phase } },
    );
  }
  return reason instanceof ConnError
    ? reason
    : new ConnectionError('connect aborted', { cause: reason, details: { ...target } });
}

function connectFailure(error: unknown, target: ConnectTarget, phase: Phase): ConnError {
  if (isConnError(error)) return error;
  if (phase === 'handshake') {
    return new ConnectionError(
      `handshake with ${target.host}:${target.port} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, retryable: false, details: { ...target, phase } },
    );
  }
  return error instanceof Error
    ? socketFailure(error, target)
    : new ConnectionError(`connect to ${target.host}:${target.port} failed`, {
        cause: error,
        details: { ...target },
      });
}
