/**
 * `@conn/e6data`: an e6data driver over gRPC (docs in the package README).
 * @packageDocumentation
 */
export {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  ClientClosedError,
  ConfigError,
  ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  PoolError,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  Secret,
  ServerError,
  TimeoutError,
} from '@conn/core';
export {
  E6DataClient,
  type E6DataClientStats,
  type E6DataColumnInfo,
  type E6DataQueryOptions,
  type E6DataQueryResult,
  type ExplainAnalysis,
} from './client.js';
export {
  E6DataAuthenticationError,
  E6DataClusterUnavailableError,
  type E6DataErrorFields,
  type E6DataErrorOptions,
  E6DataQueryError,
  E6DataServerError,
  E6DataStrategyError,
} from './errors.js';
export {
  type E6DataClientOptions,
  type E6DataTlsOptions,
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromUrl,
} from './options.js';
export {
  type BindOptions,
  bindParams,
  type SqlLiteral,
  type SqlParam,
  type SqlParams,
  sqlLiteral,
} from './params/index.js';
export type { ValueOptions } from './protocol/value-options.js';
export { E6DataCursor } from './query/cursor.js';
export type { ColumnDescription, RowMode } from './query/rows.js';
export type { Strategy } from './session/strategy-state.js';
