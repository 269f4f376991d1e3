import {
  AuthenticationError,
  AuthorizationError,
  type ConnError,
  ConnectionError,
  DEFAULT_CLOSE_TIMEOUT_MS,
  type EventPublisher,
  HostPool,
} from '@conn/core';
import { SiriDBConnection } from './connection.js';
import type { ResolvedClientOptions, SiriDBHost } from './options.js';

/** The client's connections: one multiplexed, authenticated connection per host. */
export type SiriDBHostPool = HostPool<SiriDBHost, SiriDBConnection>;

/** First reconnect wait ceiling, as in the Python connector (which then doubles it). */
const FIRST_RETRY_MS = 1_000;

/** Requests one connection carries at once: a request's pid is 16 bits. */
const REQUESTS_PER_CONNECTION = 0xffff;

/**
 * The host pool of a client: one connection per host (`max: 1`) that every request shares
 * (SiriDB multiplexes by pid), opened and kept open in the background (`minPerHost: 1`). Every
 * new connection authenticates before anything else is sent on it. A lost connection is replaced
 * at once; after a failed attempt the host waits a jittered back-off whose ceiling starts at 1 s
 * and doubles up to `maxWaitRetryMs` (each wait lies in [ceiling / 2, ceiling)). Wrong
 * credentials, an unknown database or a missing right are permanent: waiting requests get them at
 * once. Created on first use, so a client nobody uses opens nothing.
 */
export function createHostPool(options: ResolvedClientOptions, events: EventPublisher): SiriDBHostPool {
  const { connectTimeoutMs, maxWaitRetryMs } = options;
  return new HostPool<SiriDBHost, SiriDBConnection>(
    options.hostlist,
    (host) => ({
      create: (signal, lost) =>
        SiriDBConnection.open(
          {
            host: host.host,
            port: host.port,
            login: { username: options.username, password: options.password, dbname: options.dbname },
            connectTimeoutMs,
            authTimeoutMs: connectTimeoutMs,
            keepaliveIntervalMs: options.keepaliveIntervalMs,
            pingTimeoutMs: options.pingTimeoutMs,
            decode: { int64: options.int64 },
            events,
            onClose: lost,
          },
          signal,
        ),
      // Reached once no request holds the connection any more (or close() stopped waiting).
      destroy: (connection) => connection.close(0),
    }),
    {
      name: 'siridb',
      minPerHost: 1,
      reconnect: { baseMs: Math.min(FIRST_RETRY_MS, maxWaitRetryMs), maxMs: maxWaitRetryMs },
      inactiveMs: options.inactiveTimeMs,
      // Requests wait for a host within their own deadline (the call's signal).
      acquireTimeoutMs: Number.POSITIVE_INFINITY,
      isPermanent: isRefusal,
      events,
      ...(options.random === undefined ? {} : { random: options.random }),
      pool: {
        max: 1,
        capacity: REQUESTS_PER_CONNECTION,
        sharing: 'always',
        // connect + authentication: one attempt's limit (`connectTimeoutMs`).
        createTimeoutMs: connectTimeoutMs,
        idleTimeoutMs: 0,
        closeTimeoutMs: DEFAULT_CLOSE_TIMEOUT_MS,
      },
    },
  );
}

/** Refused credentials, an unknown database or a missing right: another attempt would fail the same way. */
export function isRefusal(error: ConnError | undefined): error is ConnError {
  return error instanceof AuthenticationError || error instanceof AuthorizationError;
}

/**
 * Why `connect()` found no host: the refusal when every host refused the login (its message names
 * the host), else a `ConnectionError` naming every host and its failure.
 */
export function noHostError(
  attempts: readonly { readonly host: SiriDBHost; readonly error: ConnError | undefined }[],
): ConnError {
  const errors = attempts.map((attempt) => attempt.error);
  const refusal = errors.find(isRefusal);
  if (refusal !== undefined && errors.every(isRefusal)) return refusal;
  const reasons = attempts.map(
    ({ host, error }) => `${host.host}:${host.port} ${error?.message ?? 'still connecting'}`,
  );
  const failed = errors.filter((error) => error !== undefined);
  return new ConnectionError(`no SiriDB host is available (${reasons.join('; ')})`, {
    code: 'CONN_SIRIDB_NO_CONNECTION',
    cause: failed[0],
    details: { hosts: attempts.length, failedHosts: failed.length },
  });
}
