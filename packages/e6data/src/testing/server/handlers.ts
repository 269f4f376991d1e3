/**
 * What the test server answers to each method, once the HTTP-level checks (faults, 503, 456,
 * cluster name) have passed (docs/protocols/e6data.md, query lifecycle).
 * @internal
 */
import type { Rpc, RpcTable } from '../../protocol/messages.js';
import { encodeResultMetadata } from '../../protocol/metadata.js';
import type { TestEngine } from '../engine/test-engine.js';
import type { ClusterState } from './cluster.js';
import type { FaultList } from './faults.js';
import { GrpcFailure, GrpcStatus } from './grpc-status.js';
import type { E6DataMethod } from './methods.js';
import type { Queries, Query } from './queries.js';
import { accessDenied, type Sessions } from './sessions.js';

type RequestOf<M extends E6DataMethod> = RpcTable[M] extends Rpc<infer Request, unknown> ? Request : never;
type ResponseOf<M extends E6DataMethod> = RpcTable[M] extends Rpc<unknown, infer Response> ? Response : never;

/** What a handler knows of the call besides its request. */
export interface CallHeaders {
  readonly plannerip: string | undefined;
  /** Aborts when the client abandons the call (its stream closes unanswered) or its deadline passes. */
  readonly signal: AbortSignal;
}

/** What the handlers share with the server. */
export interface HandlerState {
  readonly sessions: Sessions;
  readonly queries: Queries;
  readonly cluster: ClusterState;
  readonly faults: FaultList;
  engine(): Promise<TestEngine>;
  /** The strategy in force for new queries. */
  activeStrategy(): string;
  /** The strategy put in every response as `new_strategy`, when one is announced. */
  announcedStrategy(): string | undefined;
  /** A query was cancelled: by `cancelQuery`, or cleared while it ran. */
  cancelled(queryId: string): void;
  /** Some counter moved (open queries). */
  changed(): void;
}

type Handler<M extends E6DataMethod> = (
  state: HandlerState,
  request: RequestOf<M>,
  headers: CallHeaders,
) => Promise<ResponseOf<M>> | ResponseOf<M>;

/** Bytes that are not a Thrift `Chunk`: a struct header with an unknown type, then a truncated i32. */
export const MALFORMED_CHUNK: Uint8Array = Uint8Array.of(0x0e, 0x00, 0x01, 0xff, 0xff);

const text = (value: string | null | undefined): string => value ?? '';

/** The sliding-session field and, when a switch is announced, `new_strategy` (`newStrategy` in the generated code). */
function reply(state: HandlerState, sessionId: string): { sessionId: string; newStrategy?: string } {
  const next = state.announcedStrategy();
  return next === undefined ? { sessionId } : { sessionId, newStrategy: next };
}

/** The `expire-session` fault hits the next call that carries a session. */
function useSession(state: HandlerState, sessionId: string): void {
  if (state.faults.take('expire-session', () => true) !== undefined) {
    state.sessions.forget(sessionId);
    throw accessDenied('session expired or unknown');
  }
  state.sessions.use(sessionId);
}

/** A query-scoped call: session, query id and `plannerip` header checked. */
function queryOf(
  state: HandlerState,
  request: { sessionId?: string | null; queryId?: string | null },
  headers: CallHeaders,
): Query {
  const sessionId = text(request.sessionId);
  useSession(state, sessionId);
  const query = state.queries.get(text(request.queryId), sessionId);
  if (headers.plannerip !== query.engineIP) {
    throw new GrpcFailure(
      GrpcStatus.FAILED_PRECONDITION,
      `plannerip header ${String(headers.plannerip)} does not match the query's engine ${query.engineIP}`,
    );
  }
  return query;
}

function executed(query: Query): NonNullable<Query['result']> {
  if (query.state !== 'executed' || query.result === undefined) {
    throw new GrpcFailure(GrpcStatus.FAILED_PRECONDITION, `Query not executed: ${query.id}`);
  }
  return query.result;
}

/**
 * A running statement is aborted when its execute call ends unanswered (client cancel, reset,
 * passed deadline); the query stays, failed, and its id is recorded as cancelled.
 */
function abortWithCall(state: HandlerState, query: Query, call: AbortSignal): () => void {
  const onAbort = (): void => {
    if (query.state !== 'running' || query.controller.signal.aborted) return;
    state.cancelled(query.id);
    query.controller.abort(call.reason);
  };
  if (call.aborted) onAbort();
  else call.addEventListener('abort', onAbort, { once: true });
  return () => call.removeEventListener('abort', onAbort);
}

async function execute(state: HandlerState, query: Query, call: AbortSignal): Promise<void> {
  if (query.state !== 'prepared') {
    throw new GrpcFailure(GrpcStatus.FAILED_PRECONDITION, `Query already executed: ${query.id}`);
  }
  query.state = 'running';
  const stopWatching = abortWithCall(state, query, call);
  try {
    await run(state, query);
  } finally {
    stopWatching();
  }
}

async function run(state: HandlerState, query: Query): Promise<void> {
  const engine = await state.engine();
  try {
    const result = await engine.execute(query.sql, { schema: query.schema, signal: query.controller.signal });
    if (query.controller.signal.aborted) {
      await result.close();
      throw query.controller.signal.reason;
    }
    query.result = result;
    query.state = 'executed';
  } catch (error) {
    query.state = 'failed';
    if (query.controller.signal.aborted) {
      throw new GrpcFailure(GrpcStatus.INTERNAL, `Query cancelled: ${query.id}`);
    }
    // EngineQueryError (and anything else the engine throws) reaches the client as its text.
    throw new GrpcFailure(GrpcStatus.INTERNAL, error instanceof Error ? error.message : String(error));
  }
}

/** `cancel`: an explicit cancelQuery, recorded even when the query was not running. */
function forget(state: HandlerState, query: Query, cancel = false): void {
  if (cancel || query.state === 'running') state.cancelled(query.id);
  state.queries.remove(query);
  state.changed();
}

function prepare(
  state: HandlerState,
  request: { sessionId?: string | null; schema?: string | null; queryString?: string | null },
): ResponseOf<'prepareStatement'> {
  const sessionId = text(request.sessionId);
  useSession(state, sessionId);
  const query = state.queries.prepare(
    sessionId,
    text(request.queryString),
    text(request.schema),
    state.activeStrategy(),
  );
  state.changed();
  return { engineIP: query.engineIP, queryId: query.id, ...reply(state, sessionId) };
}

async function nextBatch(state: HandlerState, query: Query): Promise<Uint8Array> {
  const result = executed(query);
  if (query.ended) return new Uint8Array(0);
  const after = (fault: { afterBatches: number }): boolean => query.batchesSent >= fault.afterBatches;
  if (state.faults.take('malformed-chunk', after) !== undefined) return MALFORMED_CHUNK;
  const batch = await result.nextBatch();
  if (batch === undefined || batch.byteLength === 0) {
    query.ended = true;
    return new Uint8Array(0);
  }
  query.batchesSent += 1;
  return batch;
}

function checkCluster(
  state: HandlerState,
  request: { user?: string | null; password?: string | null },
): void {
  state.sessions.checkCredentials(text(request.user), text(request.password));
}

/** Every method's answer. */
export const HANDLERS: { readonly [M in E6DataMethod]: Handler<M> } = {
  authenticate: (state, request) => {
    const user = text(request.user);
    state.sessions.checkCredentials(user, text(request.password));
    return { engineIP: '127.0.0.1', ...reply(state, state.sessions.open(user)) };
  },
  prepareStatement: (state, request) => prepare(state, request),
  prepareStatementV2: (state, request) => prepare(state, request),
  executeStatement: async (state, request, headers) => {
    const query = queryOf(state, request, headers);
    await execute(state, query, headers.signal);
    return reply(state, query.sessionId);
  },
  executeStatementV2: async (state, request, headers) => {
    const query = queryOf(state, request, headers);
    await execute(state, query, headers.signal);
    return reply(state, query.sessionId);
  },
  getResultMetadata: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    return {
      resultMetaData: encodeResultMetadata(executed(query).metadata),
      ...reply(state, query.sessionId),
    };
  },
  getNextResultBatch: async (state, request, headers) => {
    const query = queryOf(state, request, headers);
    return { resultBatch: await nextBatch(state, query), ...reply(state, query.sessionId) };
  },
  explainAnalyze: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    const { parsingMs, queueingMs, executionMs } = executed(query).timings;
    const planner = JSON.stringify({
      total_query_time: parsingMs + queueingMs + executionMs,
      executionQueueingTime: queueingMs,
      parsingTime: parsingMs,
    });
    return {
      explainAnalyze: planner,
      isCached: false,
      parsingTime: Math.round(parsingMs),
      queueingTime: Math.round(queueingMs),
      ...reply(state, query.sessionId),
    };
  },
  explain: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    return { explain: JSON.stringify({ plan: query.sql }), ...reply(state, query.sessionId) };
  },
  status: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    const finished = query.state === 'executed';
    const rowCount = finished ? Number(query.result?.metadata.rowCount ?? 0n) : 0;
    return { status: finished, rowCount, ...reply(state, query.sessionId) };
  },
  clear: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    forget(state, query);
    return reply(state, query.sessionId);
  },
  cancelQuery: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    forget(state, query, true);
    return reply(state, query.sessionId);
  },
  clearOrCancelQuery: (state, request, headers) => {
    const query = queryOf(state, request, headers);
    forget(state, query);
    return reply(state, query.sessionId);
  },
  getSchemaNamesV2: async (state, request) => {
    const sessionId = text(request.sessionId);
    useSession(state, sessionId);
    const schemas = await (await state.engine()).listSchemas();
    return { schemas, ...reply(state, sessionId) };
  },
  getTablesV2: async (state, request) => {
    const sessionId = text(request.sessionId);
    useSession(state, sessionId);
    const tables = await (await state.engine()).listTables(text(request.schema));
    return { tables, ...reply(state, sessionId) };
  },
  getColumnsV2: async (state, request) => {
    const sessionId = text(request.sessionId);
    useSession(state, sessionId);
    const engine = await state.engine();
    const columns = await engine.listColumns(text(request.schema), text(request.table));
    return {
      fieldInfo: columns.map((column) => ({ fieldName: column.name, fieldType: column.type })),
      ...reply(state, sessionId),
    };
  },
  dryRun: (state, request) => dryRun(state, request),
  dryRunV2: (state, request) => dryRun(state, request),
  clusterStatus: (state, request) => {
    checkCluster(state, request);
    return { status: state.cluster.poll() };
  },
  clusterResume: (state, request) => {
    checkCluster(state, request);
    return { status: state.cluster.resume() };
  },
  clusterSuspend: (state, request) => {
    checkCluster(state, request);
    state.cluster.suspend();
    return { status: state.cluster.state };
  },
};

/** The engine's validation is not modelled: every statement is reported valid. */
function dryRun(
  state: HandlerState,
  request: { sessionId?: string | null; queryString?: string | null },
): ResponseOf<'dryRun'> {
  useSession(state, text(request.sessionId));
  return { dryrunValue: JSON.stringify({ isValid: true, queryString: text(request.queryString) }) };
}
