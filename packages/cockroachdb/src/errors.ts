import {
  AuthenticationError,
  AuthorizationError,
  type ConnErrorOptions,
  ConnectionError,
  defineErrorClass,
  QueryError,
} from '@conn/core';

/** The server's error fields kept on every SQL error (from the PostgreSQL ErrorResponse). */
export interface SqlErrorFields {
  /** The five-character SQLSTATE, e.g. `23505` or `40001`. */
  readonly sqlstate: string;
  /** The server's primary message, as sent. */
  readonly serverMessage: string;
  readonly severity: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly schema: string | undefined;
  /** 1-based character position in the statement, when the server gave one. */
  readonly position: number | undefined;
}

/** Options of the SQL error classes. */
export interface SqlErrorOptions extends ConnErrorOptions {
  fields: SqlErrorFields;
}

function assignFields(target: SqlErrorFields, fields: SqlErrorFields): void {
  Object.assign(target, {
    sqlstate: fields.sqlstate,
    serverMessage: fields.serverMessage,
    severity: fields.severity,
    detail: fields.detail,
    hint: fields.hint,
    constraint: fields.constraint,
    table: fields.table,
    column: fields.column,
    schema: fields.schema,
    position: fields.position,
  });
}

/** An error the server reported for a statement; the SQLSTATE and its fields are kept. */
export class SqlError extends QueryError implements SqlErrorFields {
  declare readonly sqlstate: string;
  declare readonly serverMessage: string;
  declare readonly severity: string | undefined;
  declare readonly detail: string | undefined;
  declare readonly hint: string | undefined;
  declare readonly constraint: string | undefined;
  declare readonly table: string | undefined;
  declare readonly column: string | undefined;
  declare readonly schema: string | undefined;
  declare readonly position: number | undefined;
  constructor(message: string, options: SqlErrorOptions) {
    super(message, {
      ...options,
      details: {
        sqlstate: options.fields.sqlstate,
        constraint: options.fields.constraint,
        ...options.details,
      },
    });
    assignFields(this, options.fields);
  }
}
defineErrorClass(SqlError, 'SqlError', 'CONN_COCKROACHDB_SQL', false);

/** 23505: a unique constraint was violated; `constraint` names it. */
export class UniqueViolationError extends SqlError {}
defineErrorClass(UniqueViolationError, 'UniqueViolationError', 'CONN_COCKROACHDB_UNIQUE_VIOLATION', false);

/** 23503: a foreign key was violated. */
export class ForeignKeyViolationError extends SqlError {}
defineErrorClass(
  ForeignKeyViolationError,
  'ForeignKeyViolationError',
  'CONN_COCKROACHDB_FOREIGN_KEY_VIOLATION',
  false,
);

/** 23502: NULL in a NOT NULL column; `column` names it. */
export class NotNullViolationError extends SqlError {}
defineErrorClass(
  NotNullViolationError,
  'NotNullViolationError',
  'CONN_COCKROACHDB_NOT_NULL_VIOLATION',
  false,
);

/** 23514: a CHECK constraint failed. */
export class CheckViolationError extends SqlError {}
defineErrorClass(CheckViolationError, 'CheckViolationError', 'CONN_COCKROACHDB_CHECK_VIOLATION', false);

/**
 * 40001 (or the old CockroachDB code CR000): the transaction must be retried from the start.
 * `retryReason` is CockroachDB's diagnosis (e.g. `RETRY_WRITE_TOO_OLD`) when the message names one.
 */
export class SerializationFailureError extends SqlError {
  readonly retryReason: string | undefined;
  constructor(message: string, options: SqlErrorOptions) {
    super(message, options);
    this.retryReason = retryReasonOf(options.fields.serverMessage);
  }
}
defineErrorClass(
  SerializationFailureError,
  'SerializationFailureError',
  'CONN_COCKROACHDB_SERIALIZATION_FAILURE',
  true,
);

/** 40P01: PostgreSQL chose this transaction as a deadlock victim; retrying the transaction is safe. */
export class DeadlockError extends SqlError {}
defineErrorClass(DeadlockError, 'DeadlockError', 'CONN_COCKROACHDB_DEADLOCK', true);

/** 57014: the statement was cancelled on the server (by someone else, or by `statement_timeout`). */
export class QueryCanceledError extends SqlError {}
defineErrorClass(QueryCanceledError, 'QueryCanceledError', 'CONN_COCKROACHDB_QUERY_CANCELED', false);

/**
 * XXA00: CockroachDBClient committed the transaction's data but the schema change in it failed.
 * Never retried: the DML part is durable.
 */
export class SchemaChangeFailureError extends SqlError {}
defineErrorClass(
  SchemaChangeFailureError,
  'SchemaChangeFailureError',
  'CONN_COCKROACHDB_SCHEMA_CHANGE_FAILED',
  false,
);

/** 28P01 / 28000: the server refused the credentials. */
// The interface declares the SQL fields the constructor assigns (the same as SqlError's).
export interface CockroachDBAuthenticationError extends SqlErrorFields {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class CockroachDBAuthenticationError extends AuthenticationError {
  constructor(message: string, options: SqlErrorOptions) {
    super(message, { ...options, details: { sqlstate: options.fields.sqlstate, ...options.details } });
    assignFields(this, options.fields);
  }
}
defineErrorClass(
  CockroachDBAuthenticationError,
  'CockroachDBAuthenticationError',
  'CONN_COCKROACHDB_AUTH_FAILED',
  false,
);

/** 42501: the user lacks a privilege for this statement. */
// The interface declares the SQL fields the constructor assigns (the same as SqlError's).
export interface InsufficientPrivilegeError extends SqlErrorFields {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above
export class InsufficientPrivilegeError extends AuthorizationError {
  constructor(message: string, options: SqlErrorOptions) {
    super(message, { ...options, details: { sqlstate: options.fields.sqlstate, ...options.details } });
    assignFields(this, options.fields);
  }
}
defineErrorClass(
  InsufficientPrivilegeError,
  'InsufficientPrivilegeError',
  'CONN_COCKROACHDB_ACCESS_DENIED',
  false,
);

/**
 * The connection failed or was lost: class 08 SQLSTATEs, server shutdown (57P01..57P03), or the
 * socket closing under a statement. `sqlstate` is set when the server said why.
 */
export class CockroachDBConnectionError extends ConnectionError {
  readonly sqlstate: string | undefined;
  constructor(message: string, options: ConnErrorOptions & { sqlstate?: string | undefined } = {}) {
    super(message, { ...options, details: { sqlstate: options.sqlstate, ...options.details } });
    this.sqlstate = options.sqlstate;
  }
}
defineErrorClass(CockroachDBConnectionError, 'CockroachDBConnectionError', 'CONN_CONNECTION_CLOSED', false);

/**
 * The commit may or may not have happened: 40003 ("result is ambiguous"), or the connection was
 * lost during `RELEASE SAVEPOINT cockroach_restart` / `COMMIT`. Never retried automatically unless
 * the caller declared the work idempotent; check the data before trying again.
 */
export class AmbiguousCommitError extends QueryError {
  /** The SQLSTATE (40003) when the server said so; undefined for a lost connection. */
  readonly sqlstate: string | undefined;
  constructor(message: string, options: ConnErrorOptions & { sqlstate?: string | undefined } = {}) {
    // The contract's field for "this write may have executed" (docs/driver-contract.md).
    super(message, {
      ...options,
      retryable: false,
      details: { sqlstate: options.sqlstate, ...options.details, mayHaveExecuted: true },
    });
    this.sqlstate = options.sqlstate;
  }
}
defineErrorClass(AmbiguousCommitError, 'AmbiguousCommitError', 'CONN_COCKROACHDB_AMBIGUOUS_COMMIT', false);

/**
 * COMMIT rolled the transaction back instead: a statement in it had failed (an error caught and
 * not rethrown), which aborted it, and the server answers COMMIT on an aborted transaction with a
 * rollback. Nothing of the transaction was stored. `cause` is that statement's error when this
 * transaction saw it.
 */
export class CommitRolledBackError extends QueryError {
  constructor(message: string, options: ConnErrorOptions = {}) {
    super(message, { ...options, retryable: false });
  }
}
defineErrorClass(
  CommitRolledBackError,
  'CommitRolledBackError',
  'CONN_COCKROACHDB_COMMIT_ROLLED_BACK',
  false,
);

/** `runInTransaction` ran out of attempts; `cause` is the last retryable error. */
export class MaxRetriesExceededError extends QueryError {
  /** Attempts made, the first one included. */
  readonly attempts: number;
  constructor(message: string, options: ConnErrorOptions & { attempts: number }) {
    super(message, { ...options, details: { attempts: options.attempts, ...options.details } });
    this.attempts = options.attempts;
  }
}
defineErrorClass(MaxRetriesExceededError, 'MaxRetriesExceededError', 'CONN_COCKROACHDB_MAX_RETRIES', false);

/**
 * A non-atomic `batchInsert` failed part-way: `committedRows` rows (the first chunks, in order) are
 * stored, the rest are not. `cause` is the failure.
 */
export class BatchInsertError extends QueryError {
  readonly committedRows: number;
  constructor(message: string, options: ConnErrorOptions & { committedRows: number }) {
    super(message, { ...options, details: { committedRows: options.committedRows, ...options.details } });
    this.committedRows = options.committedRows;
  }
}
defineErrorClass(BatchInsertError, 'BatchInsertError', 'CONN_COCKROACHDB_BATCH_PARTIAL', false);

/** The retry reason CockroachDB puts in a 40001 message, e.g. `RETRY_SERIALIZABLE`. */
export function retryReasonOf(message: string): string | undefined {
  const reason = /\b(RETRY_[A-Z_]+|ABORT_REASON_[A-Z_]+|ReadWithinUncertaintyIntervalError)\b/.exec(message);
  if (reason !== null) return reason[1];
  if (/inject_retry_errors_enabled/.test(message)) return 'INJECTED';
  return undefined;
}
