import { ConfigError, ConnError, ConnectionError, type ErrorDetails } from '@conn/core';
import pg from 'pg';
import {
  CheckViolationError,
  CockroachDBAuthenticationError,
  CockroachDBConnectionError,
  DeadlockError,
  ForeignKeyViolationError,
  InsufficientPrivilegeError,
  NotNullViolationError,
  QueryCanceledError,
  SchemaChangeFailureError,
  SerializationFailureError,
  SqlError,
  type SqlErrorFields,
  UniqueViolationError,
} from './errors.js';

type SqlErrorClass = new (message: string, options: { fields: SqlErrorFields; cause: unknown }) => SqlError;

const SQLSTATE_CLASSES: ReadonlyMap<string, SqlErrorClass> = new Map<string, SqlErrorClass>([
  ['23505', UniqueViolationError],
  ['23503', ForeignKeyViolationError],
  ['23502', NotNullViolationError],
  ['23514', CheckViolationError],
  ['40001', SerializationFailureError],
  ['CR000', SerializationFailureError],
  ['40P01', DeadlockError],
  ['57014', QueryCanceledError],
  ['XXA00', SchemaChangeFailureError],
]);

/** SQLSTATEs after which the session is gone: the server closes the connection. */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3])$/;

/** True for a SQLSTATE that means "retry the transaction" on CockroachDB and PostgreSQL. */
export function isRetryableSqlstate(sqlstate: string | undefined, onPostgres: boolean): boolean {
  return sqlstate === '40001' || sqlstate === 'CR000' || (onPostgres && sqlstate === '40P01');
}

function fieldsOf(error: pg.DatabaseError): SqlErrorFields {
  const position = error.position === undefined ? undefined : Number(error.position);
  return {
    sqlstate: error.code ?? 'XX000',
    serverMessage: error.message,
    severity: error.severity,
    detail: error.detail,
    hint: error.hint,
    constraint: error.constraint,
    table: error.table,
    column: error.column,
    schema: error.schema,
    position: Number.isFinite(position) ? position : undefined,
  };
}

/** Maps a server ErrorResponse to the matching `@conn/cockroachdb` error class. */
export function fromDatabaseError(error: pg.DatabaseError): ConnError {
  const fields = fieldsOf(error);
  const { sqlstate } = fields;
  const message = `${error.message} (SQLSTATE ${sqlstate})`;
  if (sqlstate === '28P01' || sqlstate === '28000') {
    return new CockroachDBAuthenticationError(message, { fields, cause: error });
  }
  if (sqlstate === '42501') return new InsufficientPrivilegeError(message, { fields, cause: error });
  if (CONNECTION_SQLSTATE.test(sqlstate)) {
    return new CockroachDBConnectionError(message, {
      sqlstate,
      cause: error,
      code: 'CONN_CONNECTION_CLOSED',
    });
  }
  const ErrorClass = SQLSTATE_CLASSES.get(sqlstate) ?? SqlError;
  return new ErrorClass(message, { fields, cause: error });
}

/** The connection never came up: nothing was sent, so trying again is safe. */
const NEVER_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The connection was cut. While connecting (`details.phase === 'connect'`) no statement was sent
 * and trying again is safe; later a statement may have reached the server, so it is not retryable
 * (a write may have executed; see docs/driver-contract.md).
 */
const CUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Turns anything `pg` rejects with into a `ConnError`: server errors by SQLSTATE, everything else
 * (socket loss, TLS, DNS) as a connection error. `details` says where it happened.
 */
export function toConnError(error: unknown, details: ErrorDetails = {}): ConnError {
  if (error instanceof ConnError) return error;
  if (error instanceof pg.DatabaseError) return fromDatabaseError(error);
  const text = error instanceof Error ? error.message : String(error);
  // pg raises these while turning a bound value into text, before anything is sent.
  if (error instanceof TypeError || error instanceof RangeError) {
    return new ConfigError(`a bound value could not be sent: ${text}`, {
      field: 'values',
      cause: error,
      details,
    });
  }
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(errno)) {
    return new ConnectionError(`TLS failed: ${text}`, { code: 'CONN_TLS_FAILED', cause: error, details });
  }
  if (/does not support SSL/i.test(text)) {
    return new ConnectionError(`TLS failed: ${text}`, { code: 'CONN_TLS_FAILED', cause: error, details });
  }
  const neverConnected = typeof errno === 'string' && NEVER_CONNECTED_CODES.has(errno);
  const cut = typeof errno === 'string' && CUT_CODES.has(errno);
  return new CockroachDBConnectionError(`connection failed: ${text}`, {
    cause: error,
    code: neverConnected || cut ? 'CONN_CONNECTION_FAILED' : 'CONN_CONNECTION_CLOSED',
    retryable: neverConnected || (cut && details['phase'] === 'connect'),
    details,
  });
}
