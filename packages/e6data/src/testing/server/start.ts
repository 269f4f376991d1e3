/**
 * The e6data test server: gRPC unary calls over `node:http2` (not a grpc-js server, which cannot
 * answer HTTP 456 or 503), sessions, blue-green strategy, cluster suspend/resume, faults, and a
 * record of every call for tests (docs/protocols/e6data.md, the test double).
 * @internal
 */
import {
  constants,
  createSecureServer,
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import { ConfigError, CountWaiters } from '@conn/core';
import {
  DEFAULT_MAX_GRPC_MESSAGE_BYTES,
  encodeGrpcFrame,
  GrpcMessageReader,
} from '../../protocol/grpc-frame.js';
import type { TestEngine } from '../engine/test-engine.js';
import { watchCall } from './call-watch.js';
import { ClusterState, type E6DataClusterState } from './cluster.js';
import { type E6DataFault, FaultList } from './faults.js';
import { GrpcFailure, GrpcStatus, percentEncodeGrpcMessage } from './grpc-status.js';
import { type CallHeaders, HANDLERS, type HandlerState } from './handlers.js';
import { type E6DataMethod, type KnownMethod, methodAt } from './methods.js';
import { Queries } from './queries.js';
import { DEFAULT_E6DATA_TEST_USERS, type E6DataTestUser, Sessions } from './sessions.js';

/** A blue-green deployment colour. */
export type E6DataStrategy = 'blue' | 'green';

/** Options of {@link startE6DataTestServer}. */
export interface E6DataTestServerOptions {
  /** The SQL engine; default a new DuckDB engine (`createDuckDBEngine()`), closed with the server. */
  readonly engine?: TestEngine | undefined;
  /** Serve TLS with this key and certificate; the URL then says `secure=true`. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer } | undefined;
  /** Accounts (e-mail and access token); default `test@example.com` / `test-token`. The first is in the URL. */
  readonly users?: readonly E6DataTestUser[] | undefined;
  /** A session unused for this long is forgotten (sliding: every call renews it); default never. */
  readonly sessionTtlMs?: number | undefined;
  /**
   * For tests: the clock of `sessionTtlMs`, in milliseconds; default `Date.now`. A test advances
   * its own clock to expire sessions without waiting.
   */
  readonly now?: (() => number) | undefined;
  /**
   * When set, every call's `cluster-name` header must equal it lower-cased, else NOT_FOUND
   * `Cluster not found: <header>`. Also the URL's `cluster-name` (default `test-cluster`).
   */
  readonly clusterName?: string | undefined;
  /** The active strategy at start; default `'blue'`. */
  readonly strategy?: E6DataStrategy | undefined;
  /** How many ClusterService.status calls after `resume` find the cluster `active`; default 2. */
  readonly resumeAfterPolls?: number | undefined;
  /** Largest request message; larger ones get RESOURCE_EXHAUSTED. Default 4 MiB. */
  readonly maxMessageBytes?: number | undefined;
}

/** One call the server received, in arrival order. */
export interface E6DataCall {
  /** The RPC-table key (`prepareStatementV2`, `clusterStatus`, …), or the path for an unknown method. */
  readonly method: E6DataMethod | string;
  readonly path: string;
  readonly metadata: {
    readonly strategy: string | undefined;
    readonly clusterName: string | undefined;
    readonly plannerip: string | undefined;
  };
  /** The decoded request (fields that were set), `password` replaced by `'[redacted]'`. */
  readonly request: Readonly<Record<string, unknown>> | undefined;
}

/** Options of the `waitFor…` methods. */
export interface E6DataWaitOptions {
  /** Rejects the wait with an `AbortError` (cause = the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/** A running e6data test server. */
export interface E6DataTestServer extends AsyncDisposable {
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * `e6data://<user>:<token>@127.0.0.1:<port>/?schema=main&catalog=test&cluster-name=<name>&secure=false`
   * (the first user, percent-encoded; `secure=true` with `tls`).
   */
  readonly url: string;
  /** Every call received, in order (also those refused with 456/503 or a fault). */
  readonly calls: readonly E6DataCall[];
  /** How many calls of `method` were received. */
  callCount(method: E6DataMethod): number;
  /** Prepared queries not yet cleared or cancelled. */
  readonly openQueries: number;
  /**
   * Ids of queries cancelled, in order: by `cancelQuery`, by a clear while running, or because
   * their execute call was abandoned by the client or passed its `grpc-timeout` deadline.
   */
  readonly cancelledQueryIds: readonly string[];
  /** Open sessions. */
  readonly sessionCount: number;
  readonly activeStrategy: E6DataStrategy;
  readonly clusterState: E6DataClusterState;
  /** Resolves once at least `count` calls of `method` were received. Rejects on abort or close. */
  waitForCall(method: E6DataMethod, count: number, options?: E6DataWaitOptions): Promise<void>;
  /** Resolves once exactly `count` queries are open. Rejects on abort or close. */
  waitForOpenQueries(count: number, options?: E6DataWaitOptions): Promise<void>;
  /** Adds a fault (see {@link E6DataFault}). @throws TypeError for a bad spec. */
  fault(fault: E6DataFault): void;
  /** Removes every fault; stalled calls then run and are answered. */
  clearFaults(): void;
  /** Forgets every session (a restart): later calls get `Access denied: session expired or unknown`. */
  expireSessions(): void;
  /** Puts `new_strategy: next` in every response from now on. */
  announceStrategy(next: E6DataStrategy): void;
  /**
   * Makes `next` active: calls naming the other strategy get HTTP 456, except calls for queries
   * prepared under it, which may finish there. Ends the announcement.
   */
  switchStrategy(next: E6DataStrategy): void;
  /** Suspends the cluster: every QueryEngineService call gets HTTP 503 until a resume completes. */
  suspend(): void;
  /** Ends every stream, session and stall, and the engine when the server created it. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly stream: ServerHttp2Stream;
  readonly run: () => void;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function redacted(request: object): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...request };
  if ('password' in copy) copy.password = '[redacted]';
  return copy;
}

function isLive(stream: ServerHttp2Stream): boolean {
  return !stream.destroyed && !stream.closed && !stream.headersSent;
}

function sendMessage(stream: ServerHttp2Stream, message: Uint8Array): void {
  if (!isLive(stream)) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
  stream.end(encodeGrpcFrame(message));
}

/** A trailers-only response: the status in the only HEADERS frame. */
function sendStatus(stream: ServerHttp2Stream, code: number, message: string): void {
  if (!isLive(stream)) return;
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(code),
      'grpc-message': percentEncodeGrpcMessage(message),
    },
    { endStream: true },
  );
}

/** What the intermediary in front of the planners sends: an HTTP status, no gRPC trailers. */
function sendHttpStatus(stream: ServerHttp2Stream, status: number): void {
  if (!isLive(stream)) return;
  stream.respond({ ':status': status }, { endStream: true });
}

function checkOptions(options: E6DataTestServerOptions): void {
  const { strategy, resumeAfterPolls, sessionTtlMs, users } = options;
  if (strategy !== undefined && strategy !== 'blue' && strategy !== 'green') {
    throw new ConfigError(`e6data test server: strategy must be 'blue' or 'green'`, { field: 'strategy' });
  }
  if (resumeAfterPolls !== undefined && !(Number.isInteger(resumeAfterPolls) && resumeAfterPolls >= 0)) {
    throw new ConfigError('e6data test server: resumeAfterPolls must be an integer >= 0', {
      field: 'resumeAfterPolls',
    });
  }
  if (sessionTtlMs !== undefined && !(sessionTtlMs > 0)) {
    throw new ConfigError('e6data test server: sessionTtlMs must be > 0', { field: 'sessionTtlMs' });
  }
  if (users !== undefined && users.length === 0) {
    throw new ConfigError('e6data test server: users must not be empty', { field: 'users' });
  }
}

/**
 * Starts an e6data server on 127.0.0.1 (docs/protocols/e6data.md, the test double).
 * @throws ConfigError for options it cannot serve.
 */
export async function startE6DataTestServer(
  options: E6DataTestServerOptions = {},
): Promise<E6DataTestServer> {
  checkOptions(options);
  const users = options.users ?? DEFAULT_E6DATA_TEST_USERS;
  const sessions = new Sessions(users, options.sessionTtlMs, options.now);
  const queries = new Queries();
  const cluster = new ClusterState(options.resumeAfterPolls ?? 2);
  const faults = new FaultList();
  const waiters = new CountWaiters('e6data test server');
  const calls: E6DataCall[] = [];
  const counts = new Map<string, number>();
  const cancelledQueryIds: string[] = [];
  const expectedCluster = options.clusterName?.toLowerCase();
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_GRPC_MESSAGE_BYTES;
  let activeStrategy: E6DataStrategy = options.strategy ?? 'blue';
  let announced: E6DataStrategy | undefined;
  let enginePromise: Promise<TestEngine> | undefined =
    options.engine === undefined ? undefined : Promise.resolve(options.engine);
  let ownsEngine = false;
  const stalled = new Set<Pending>();
  const timers = new Set<NodeJS.Timeout>();
  const h2sessions = new Set<Http2Session>();
  let closed = false;

  const state: HandlerState = {
    sessions,
    queries,
    cluster,
    faults,
    engine: () => {
      if (enginePromise === undefined) {
        ownsEngine = true;
        enginePromise = import('../engine/index.js').then((engine) => engine.createDuckDBEngine());
      }
      return enginePromise;
    },
    activeStrategy: () => activeStrategy,
    announcedStrategy: () => announced,
    cancelled: (queryId) => {
      cancelledQueryIds.push(queryId);
      waiters.changed();
    },
    changed: () => waiters.changed(),
  };

  const record = (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    request: object | undefined,
  ) => {
    calls.push({
      method,
      path,
      metadata: {
        strategy: header(headers, 'strategy'),
        clusterName: header(headers, 'cluster-name'),
        plannerip: header(headers, 'plannerip'),
      },
      request: request === undefined ? undefined : redacted(request),
    });
    counts.set(method, (counts.get(method) ?? 0) + 1);
    waiters.changed();
  };

  /** The strategy check: a query prepared under the old strategy may finish on it. */
  const wrongStrategy = (named: string | undefined, request: { queryId?: unknown }): boolean => {
    if (named === undefined || named === activeStrategy) return false;
    const query = typeof request.queryId === 'string' ? queries.peek(request.queryId) : undefined;
    return query?.strategy !== named;
  };

  const answer = async (
    stream: ServerHttp2Stream,
    known: KnownMethod,
    request: object,
    headers: IncomingHttpHeaders,
    signal: AbortSignal,
  ): Promise<void> => {
    const name = known.name;
    const status = faults.take('http-status', (f) => f.method === undefined || f.method === name);
    if (status !== undefined) {
      sendHttpStatus(stream, status.status);
      return;
    }
    if (!known.cluster && !cluster.serving) {
      sendHttpStatus(stream, 503);
      return;
    }
    if (wrongStrategy(header(headers, 'strategy'), request)) {
      sendHttpStatus(stream, 456);
      return;
    }
    const clusterName = header(headers, 'cluster-name');
    if (expectedCluster !== undefined && clusterName !== expectedCluster) {
      sendStatus(stream, GrpcStatus.NOT_FOUND, `Cluster not found: ${String(clusterName)}`);
      return;
    }
    const failure = faults.take('grpc-error', (f) => f.method === name);
    if (failure !== undefined) {
      sendStatus(stream, failure.code, failure.message);
      return;
    }
    if (name === 'getNextResultBatch') {
      const query = queries.peek(String((request as { queryId?: unknown }).queryId));
      const drop =
        query !== undefined && query.state === 'executed' && !query.ended
          ? faults.take('drop-mid-batch', (f) => query.batchesSent >= f.afterBatches)
          : undefined;
      if (drop !== undefined) {
        stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
    }
    const handler = HANDLERS[name] as (s: HandlerState, r: object, h: CallHeaders) => unknown;
    try {
      const response = await handler(state, request, { plannerip: header(headers, 'plannerip'), signal });
      sendMessage(stream, known.rpc.response.encode(response).finish());
    } catch (error) {
      if (error instanceof GrpcFailure) sendStatus(stream, error.code, error.message);
      else sendStatus(stream, GrpcStatus.INTERNAL, error instanceof Error ? error.message : String(error));
    }
  };

  /** Stall and delay faults hold the call before anything else is decided. */
  const schedule = (stream: ServerHttp2Stream, name: E6DataMethod, run: () => void): void => {
    if (faults.take('stall', (f) => f.method === name) !== undefined) {
      const pending: Pending = { stream, run };
      stalled.add(pending);
      stream.once('close', () => stalled.delete(pending));
      return;
    }
    const delay = faults.take('delay', (f) => f.method === name);
    if (delay === undefined) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delay.ms);
    timers.add(timer);
  };

  const onRequest = (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
    signal: AbortSignal,
  ): void => {
    const path = header(headers, ':path') ?? '';
    const known = methodAt(path);
    if (known === undefined) {
      record(path, path, headers, undefined);
      sendStatus(stream, GrpcStatus.UNIMPLEMENTED, `Method not found: ${path}`);
      return;
    }
    let request: object;
    try {
      request = known.rpc.request.decode(body) as object;
    } catch (error) {
      record(known.name, path, headers, undefined);
      sendStatus(stream, GrpcStatus.INTERNAL, `Cannot decode the request: ${String(error)}`);
      return;
    }
    record(known.name, path, headers, request);
    schedule(stream, known.name, () => {
      void answer(stream, known, request, headers, signal);
    });
  };

  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    // A client reset is normal (cancelled calls, drop faults); nothing to report.
    stream.on('error', () => undefined);
    const contentType = header(headers, 'content-type') ?? '';
    if (header(headers, ':method') !== 'POST' || !contentType.startsWith('application/grpc')) {
      sendHttpStatus(stream, 415);
      return;
    }
    const signal = watchCall(stream, header(headers, 'grpc-timeout'), timers, () =>
      sendStatus(stream, GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    );
    const reader = new GrpcMessageReader(maxMessageBytes);
    let failed = false;
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      try {
        reader.push(chunk);
      } catch (error) {
        failed = true;
        const code =
          (error as { code?: unknown }).code === 'CONN_E6DATA_GRPC_TOO_LARGE'
            ? GrpcStatus.RESOURCE_EXHAUSTED
            : GrpcStatus.INTERNAL;
        sendStatus(stream, code, (error as Error).message);
      }
    });
    stream.on('end', () => {
      if (failed) return;
      let body: Uint8Array;
      try {
        body = reader.finish();
      } catch (error) {
        sendStatus(stream, GrpcStatus.INTERNAL, (error as Error).message);
        return;
      }
      onRequest(stream, headers, body, signal);
    });
  };

  const server: Http2Server =
    options.tls === undefined
      ? createServer()
      : (createSecureServer({ key: options.tls.key, cert: options.tls.cert }) as unknown as Http2Server);
  server.on('stream', onStream);
  server.on('session', (session: Http2Session) => {
    h2sessions.add(session);
    session.on('error', () => undefined);
    session.once('close', () => h2sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    if (closing !== undefined) return closing;
    closed = true;
    waiters.close();
    faults.clear();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const pending of stalled) pending.stream.destroy();
    stalled.clear();
    queries.removeAll();
    sessions.forgetAll();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of h2sessions) session.destroy();
    closing = (async () => {
      await stopped;
      if (ownsEngine && enginePromise !== undefined) {
        await enginePromise.then((engine) => engine.close()).catch(() => undefined);
      }
    })();
    return closing;
  };

  return {
    host: '127.0.0.1',
    port,
    url: urlOf(options, users, port),
    calls,
    callCount: (method) => counts.get(method) ?? 0,
    get openQueries() {
      return queries.size;
    },
    cancelledQueryIds,
    get sessionCount() {
      return sessions.size;
    },
    get activeStrategy() {
      return activeStrategy;
    },
    get clusterState() {
      return cluster.state;
    },
    waitForCall: (method, count, waitOptions) =>
      waiters.until(
        () => (counts.get(method) ?? 0) >= count,
        `${String(count)} calls of ${method}`,
        waitOptions,
      ),
    waitForOpenQueries: (count, waitOptions) =>
      waiters.until(() => queries.size === count, `${String(count)} open queries`, waitOptions),
    fault: (fault) => faults.add(fault),
    clearFaults: () => {
      faults.clear();
      const held = [...stalled];
      stalled.clear();
      if (!closed) for (const pending of held) pending.run();
    },
    expireSessions: () => sessions.forgetAll(),
    announceStrategy: (next) => {
      announced = next;
    },
    switchStrategy: (next) => {
      activeStrategy = next;
      announced = undefined;
    },
    suspend: () => cluster.suspend(),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function urlOf(options: E6DataTestServerOptions, users: readonly E6DataTestUser[], port: number): string {
  const first = users[0] as E6DataTestUser;
  const credentials = `${encodeURIComponent(first.user)}:${encodeURIComponent(first.token)}`;
  const query = new URLSearchParams({
    schema: 'main',
    catalog: 'test',
    'cluster-name': options.clusterName ?? 'test-cluster',
    secure: options.tls === undefined ? 'false' : 'true',
  });
  return `e6data://${credentials}@127.0.0.1:${String(port)}/?${query.toString()}`;
}
