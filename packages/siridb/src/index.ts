/**
 * `@conn/siridb`: a SiriDB driver for Node.js. One multiplexed connection per host, weighted
 * host choice with backups, reconnects, exact client-side time precision, its own qpack, and the
 * service (admin) API. A protocol-faithful local server for tests is at `@conn/siridb/testing`.
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
  type HostStatus,
  type InsertResult,
  type QueryOptions,
  SiriDBClient,
} from './client.js';
export {
  errorFromPackage,
  InsertError,
  SiriDBAuthenticationError,
  type SiriDBErrorFields,
  SiriDBPoolError,
  SiriDBQueryError,
  SiriDBServerError,
  SiriDBServiceError,
  UserAuthError,
} from './errors.js';
export type { SiriDBInsertData, SiriDBPoint, SiriDBSeriesPoints, SiriDBValue } from './insert-data.js';
export type { InsertManyData, InsertManyOptions, InsertManyResult } from './insert-many.js';
export type { SeriesSlice } from './insert-many-plan.js';
export {
  type InsertManyReport,
  type InsertManyRequest,
  type InsertManyRequestStatus,
  insertManyReport,
} from './insert-many-report.js';
export { DEFAULT_PORT, type SiriDBClientOptions, type SiriDBHost } from './options.js';
export {
  decodeQpack,
  encodeQpack,
  type QpackDecodeOptions,
  type QpackEncodeOptions,
  type QpackInput,
} from './protocol/qpack.js';
export { QpackFloat, qpackFloat } from './protocol/qpack-float.js';
export {
  escapeRegex,
  quoteName,
  quoteRegex,
  quoteString,
  type SiriDBQueryValue,
  siridbQuery,
} from './quote.js';
export {
  type JoinOptions,
  type NewDatabaseOptions,
  SiriDBService,
  type SiriDBServiceOptions,
} from './service.js';
export { convertTimestamp, type Int64Mode, type TimePrecision } from './time-precision.js';
