/**
 * `@conn/cockroachdb`: a CockroachDB driver on `pg` with `@conn/core`'s pool, safe CRUD helpers,
 * the `cockroach_restart` retry protocol with ambiguous-commit detection, streaming and migrations.
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
export { CockroachDBClient } from './client.js';
export type { ServerKind } from './connection.js';
export {
  type CopyFromOptions,
  type CopyResult,
  type CopyToOptions,
  SESSION_BUSY_CODE,
} from './copy/copy-options.js';
export type { CopySource } from './copy/copy-statements.js';
export {
  AmbiguousCommitError,
  BatchInsertError,
  CheckViolationError,
  CockroachDBAuthenticationError,
  CockroachDBConnectionError,
  CommitRolledBackError,
  DeadlockError,
  ForeignKeyViolationError,
  InsufficientPrivilegeError,
  MaxRetriesExceededError,
  NotNullViolationError,
  QueryCanceledError,
  SchemaChangeFailureError,
  SerializationFailureError,
  SqlError,
  type SqlErrorFields,
  type SqlErrorOptions,
  UniqueViolationError,
} from './errors.js';
export { type ObjectName, quoteIdentifier, quoteObjectName } from './identifiers.js';
export {
  type CreatedMigration,
  checksumOf,
  loadMigrations,
  type MigrateOptions,
  MigrationChecksumError,
  MigrationError,
  type MigrationFile,
  MigrationLockError,
  type MigrationLockInfo,
  type MigrationResult,
  type MigrationSource,
  type MigrationStatus,
  type MigrationStatusEntry,
  Migrator,
  type MigratorOptions,
  type ParsedMigrationFileName,
  parseMigrationFileName,
} from './migrations/index.js';
export type {
  CockroachDBOptions,
  CockroachHost,
  CockroachPoolOptions,
  CockroachReconnectOptions,
  CockroachTlsOptions,
  Int8Mode,
  SslMode,
} from './options.js';
export type { ExecuteResult, QueryOptions, StreamOptions } from './query-options.js';
export type { RunInTransactionOptions } from './run-in-transaction.js';
export type { TargetSessionAttrs } from './session-attrs.js';
export type { CockroachPoolStats } from './session-pool.js';
export { MAX_BIND_PARAMETERS } from './sql/batch-statements.js';
export type {
  ColumnDefinitions,
  CreateDatabaseOptions,
  CreateTableOptions,
  DropTableOptions,
} from './sql/ddl-statements.js';
export { maskSecrets } from './sql/mask-secrets.js';
export type { OrderBy, SelectOptions } from './sql/select-statement.js';
export type { Row } from './sql/statement.js';
export { OPEN_TRANSACTION_CODE } from './sql/transaction-control.js';
export type { Where } from './sql/where.js';
export type { FilteredWriteOptions } from './sql/write-statements.js';
export type {
  BatchInsertOptions,
  BatchResult,
  BatchUpdateOptions,
  UpsertOptions,
  WriteOptions,
} from './sql-executor.js';
export { SqlExecutor } from './sql-executor.js';
export { Transaction } from './transaction.js';
export type { IsolationLevel, TransactionOptions } from './transaction-options.js';
export { parseCockroachUrl } from './url.js';
