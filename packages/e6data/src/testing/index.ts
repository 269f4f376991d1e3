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
 * Choices where the spec is silent: unknown or another session's query id → NOT_FOUND
 * `Query not found: <id>`; a `plannerip` header that does not match the query's engine →
 * FAILED_PRECONDITION; a `cluster-name` header that does not match `clusterName` → NOT_FOUND; a
 * cancelled execute → INTERNAL `Query cancelled: <id>`; a query prepared under a strategy may finish
 * on it after `switchStrategy()` (the switch applies at the query boundary).
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
