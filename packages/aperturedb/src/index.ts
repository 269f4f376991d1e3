/**
 * `@conn/aperturedb`: an ApertureDB driver for Node.js. `ApertureDBClient` speaks
 * the TCP protocol (hello, in-place TLS upgrade verified by default, protobuf messages) with a pool
 * of connections sharing one session; typed commands and builders; APERTUREDB_KEY support.
 * @packageDocumentation
 */

// The error kinds and `Secret` of the driver contract, from core.
export {
  AbortError,
  AuthenticationError,
  ClientClosedError,
  ConfigError,
  ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  PoolError,
  type PoolStats,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  Secret,
  TimeoutError,
} from '@conn/core';
// The client: a pool of connections sharing one session, every call on core's CallRunner.
export {
  ApertureDBClient,
  type ApertureDBClientStats,
  type ApertureDBQueryOptions,
  type ApertureDBQueryResult,
} from './client.js';
// Parallel loading with `_ref` renumbering, and streaming CSV loaders.
export * from './csv/index.js';
// Errors from responses, with `serverCode`, `serverMessage` and the failing command's index.
export {
  ApertureDBAuthenticationError,
  ApertureDBErrorCode,
  type ApertureDBErrorOptions,
  type ApertureDBServerFields,
  ApertureDBSessionError,
  ApertureDBTransactionError,
  type ApertureDBTransactionErrorOptions,
  type ErrorFromResponseOptions,
  errorFromResponse,
} from './errors.js';
// APERTUREDB_KEY strings (the SDK's format), both ways.
export {
  type ApertureDBKey,
  type ApertureDBKeyInput,
  decodeApertureDBKey,
  defaultKeyPort,
  encodeApertureDBKey,
} from './key.js';
// Options, with the `aperturedb://` URL form and the environment.
export {
  type ApertureDBClientOptions,
  type ApertureDBPoolOptions,
  type ApertureDBRetryMode,
  type ApertureDBSessionOptions,
  type ApertureDBTlsOptions,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_PORT,
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromKey,
  optionsFromUrl,
} from './options.js';
export * from './parallel/index.js';
// Typed commands and builders (constraints, sort, findSimilar).
export * from './query/index.js';
export type { ApertureDBQueryInput } from './query-input.js';
// Reading responses: statuses, results, entities, blobs of a command.
export {
  type ApertureDBResponse,
  blobOfEntity,
  blobsOf,
  type CommandResponse,
  type CommandResult,
  commandNameOf,
  entitiesOf,
  isError,
  isFailureStatus,
  isTransactionError,
  type ResponseEntity,
  resultOf,
  Status,
  statusOf,
  type TransactionErrorResponse,
} from './response.js';
// The REST variant (`POST /api/` multipart) with the same query API.
export {
  ApertureDBRestClient,
  type ApertureDBRestClientOptions,
  type ApertureDBRestClientStats,
  type ApertureDBRestQueryOptions,
  restOptionsFromKey,
} from './rest/index.js';
export { type ApertureDBSchema, ApertureDBUtils, type SchemaClass } from './utils/index.js';
// float32 vectors as descriptor blobs (little-endian on every platform).
export { bytesToFloat32, float32ToBytes } from './vectors.js';
