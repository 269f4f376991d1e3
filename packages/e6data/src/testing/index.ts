/**
 * `@conn/e6data/testing`: a local e6data server speaking gRPC over HTTP/2, for tests
 * (docs/protocols/e6data.md, the test double).
 *
 * It answers the QueryEngineService and ClusterService calls with real framing, runs SQL through a
 * {@link TestEngine} (DuckDB by default), and reproduces what sits in front of the real planners:
 * HTTP 456 for a call naming the wrong blue-green strategy and HTTP 503 while the cluster is
 * suspended, both without gRPC trailers. For tests of failure handling it adds faults
 * (`server.fault(…)`, `server.clearFaults()`), `expireSessions()`, `announceStrategy()`,
 * `switchStrategy()`, `suspend()`, a record of calls (`server.calls`, password redacted) and waits
 * resolved from the server's own events.
 *
 * Choices where the spec is silent (the real service may differ; the driver must not rely on more):
 *
 * - Errors: bad credentials, and an unknown, forgotten or expired session on any other call →
 *   INTERNAL `Access denied: invalid credentials` / `Access denied: session expired or unknown`. A
 *   failing statement → INTERNAL with the engine's message. An unknown query id, or another
 *   session's → NOT_FOUND `Query not found: <id>`. A query call before its execute finished →
 *   FAILED_PRECONDITION `Query not executed: <id>`; a second execute → FAILED_PRECONDITION
 *   `Query already executed: <id>`. An unknown method → UNIMPLEMENTED. A request that does not
 *   decode, or a malformed or compressed gRPC message → INTERNAL; one over `maxMessageBytes` →
 *   RESOURCE_EXHAUSTED. A non-gRPC request → HTTP 415.
 * - Headers: prepare answers engine IP `127.0.0.1`; every later call of that query must carry it as
 *   `plannerip`, else FAILED_PRECONDITION. With `clusterName` set, every call's `cluster-name`
 *   must equal it lower-cased, else NOT_FOUND `Cluster not found: <header>`; without it the header
 *   is not checked. A `stall` or `delay` fault holds a call first; then the checks run in this
 *   order: `http-status` fault, 503 while suspended (not
 *   for ClusterService calls), 456 for the wrong strategy, cluster name, `grpc-error` fault, then
 *   the method (session, query id, `plannerip`).
 * - Strategy: a call without a `strategy` header is always served. A call naming the inactive
 *   strategy gets HTTP 456, unless it is for a query prepared under that strategy, which may
 *   finish there (the switch applies at the query boundary). `announceStrategy(next)` puts
 *   `new_strategy` in every response that carries a session id until `switchStrategy()`.
 * - Sessions: a session lives until `close()`, `expireSessions()`, an `expire-session` fault, or
 *   `sessionTtlMs` after its last use; every call with the session renews it (sliding, an idle
 *   timeout). The `now` option replaces the TTL's clock in tests.
 * - Cancelling: `cancelQuery`, `clear` and `clearOrCancelQuery` forget the query and abort its
 *   statement; the execute still waiting is answered INTERNAL `Query cancelled: <id>`. An execute
 *   call whose stream closes before the answer (client cancel, reset) aborts the statement too;
 *   so does its `grpc-timeout` deadline, which the server answers DEADLINE_EXCEEDED
 *   `Deadline exceeded` (a malformed header is ignored). Such a query stays, failed, and its id is
 *   in `cancelledQueryIds`. Deadlines of other methods end the call the same way.
 * - Resume: `suspend()` (or a ClusterService suspend) makes every QueryEngineService call get HTTP
 *   503. ClusterService `resume` answers `resuming`; the `resumeAfterPolls`-th `status` call after
 *   it (default 2; 0 = at once) answers `active` and the cluster serves again. ClusterService
 *   calls check the user and token, not a session.
 * - Faults (see {@link E6DataFault}): `stall`, `http-status`, `grpc-error` and `delay` hit every
 *   matching call unless `times` is given; `drop-mid-batch`, `malformed-chunk` and
 *   `expire-session` hit once. The first fault added that matches a call is used.
 *
 * @example
 * await using server = await startE6DataTestServer({ engine });
 * server.url; // e6data://test%40example.com:test-token@127.0.0.1:<port>/?schema=main&…&secure=false
 * server.fault({ kind: 'drop-mid-batch', afterBatches: 1 });
 * @packageDocumentation
 */
export {
  createDuckDBEngine,
  type DuckDBEngineOptions,
  EngineQueryError,
  type EngineResult,
  type EngineTimings,
  type ExecuteOptions,
  type TestEngine,
} from './engine/index.js';
export type { E6DataClusterState } from './server/cluster.js';
export type { E6DataFault } from './server/faults.js';
export { GrpcStatus as E6DataGrpcStatus } from './server/grpc-status.js';
export type { E6DataMethod } from './server/methods.js';
export { DEFAULT_E6DATA_TEST_USERS, type E6DataTestUser } from './server/sessions.js';
export {
  type E6DataCall,
  type E6DataStrategy,
  type E6DataTestServer,
  type E6DataTestServerOptions,
  type E6DataWaitOptions,
  startE6DataTestServer,
} from './server/start.js';
