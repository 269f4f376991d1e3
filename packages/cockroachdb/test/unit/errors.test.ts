import {
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  ConnectionError,
  isConnError,
  TimeoutError,
} from '@conn/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { commitFailure } from '../../src/commit-failure.js';
import { isRetryableSqlstate, toConnError } from '../../src/error-mapping.js';
import {
  AmbiguousCommitError,
  CheckViolationError,
  CockroachDBConnectionError,
  DeadlockError,
  ForeignKeyViolationError,
  NotNullViolationError,
  QueryCanceledError,
  SchemaChangeFailureError,
  SerializationFailureError,
  SqlError,
  UniqueViolationError,
} from '../../src/index.js';

function serverError(
  code: string,
  message: string,
  fields: Partial<pg.DatabaseError> = {},
): pg.DatabaseError {
  return Object.assign(
    new pg.DatabaseError(message, message.length, 'error'),
    { code, severity: 'ERROR' },
    fields,
  );
}

describe('SQLSTATE mapping', () => {
  it('maps constraint violations and keeps sqlstate, constraint, column, detail', () => {
    const unique = toConnError(
      serverError('23505', 'duplicate key', {
        constraint: 'users_email_key',
        detail: 'Key (email)=(a) exists.',
      }),
    );
    expect(unique).toBeInstanceOf(UniqueViolationError);
    expect(unique).toMatchObject({
      sqlstate: '23505',
      constraint: 'users_email_key',
      code: 'CONN_COCKROACHDB_UNIQUE_VIOLATION',
      retryable: false,
    });
    expect((unique as SqlError).detail).toContain('exists');
    expect(toConnError(serverError('23503', 'fk'))).toBeInstanceOf(ForeignKeyViolationError);
    expect(toConnError(serverError('23502', 'null', { column: 'name' }))).toMatchObject({ column: 'name' });
    expect(toConnError(serverError('23502', 'null'))).toBeInstanceOf(NotNullViolationError);
    expect(toConnError(serverError('23514', 'check'))).toBeInstanceOf(CheckViolationError);
  });

  it('40001 and CR000 are retryable serialization failures with the CockroachDB retry reason', () => {
    const tooOld = toConnError(
      serverError(
        '40001',
        'restart transaction: TransactionRetryWithProtoRefreshError: WriteTooOldError (RETRY_WRITE_TOO_OLD - WriteTooOld)',
      ),
    );
    expect(tooOld).toBeInstanceOf(SerializationFailureError);
    expect(tooOld).toMatchObject({ retryable: true, retryReason: 'RETRY_WRITE_TOO_OLD' });
    expect(
      toConnError(
        serverError('40001', 'restart transaction: ReadWithinUncertaintyIntervalError: read at time'),
      ),
    ).toMatchObject({
      retryReason: 'ReadWithinUncertaintyIntervalError',
    });
    expect(toConnError(serverError('CR000', 'restart transaction'))).toBeInstanceOf(
      SerializationFailureError,
    );
    expect(isRetryableSqlstate('40001', false)).toBe(true);
    expect(isRetryableSqlstate('40P01', false)).toBe(false);
    expect(isRetryableSqlstate('40P01', true)).toBe(true);
    expect(isRetryableSqlstate('40003', true)).toBe(false);
  });

  it('maps deadlock, cancel, schema-change failure, auth, privilege and connection SQLSTATEs', () => {
    expect(toConnError(serverError('40P01', 'deadlock'))).toBeInstanceOf(DeadlockError);
    expect(toConnError(serverError('57014', 'canceling statement'))).toBeInstanceOf(QueryCanceledError);
    expect(toConnError(serverError('XXA00', 'schema change failed'))).toBeInstanceOf(
      SchemaChangeFailureError,
    );
    const auth = toConnError(serverError('28P01', 'password authentication failed'));
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth).toMatchObject({ sqlstate: '28P01', code: 'CONN_COCKROACHDB_AUTH_FAILED' });
    expect(toConnError(serverError('42501', 'permission denied'))).toBeInstanceOf(AuthorizationError);
    for (const code of ['08006', '57P01', '57P03']) {
      expect(toConnError(serverError(code, 'gone'))).toBeInstanceOf(CockroachDBConnectionError);
    }
    const other = toConnError(
      serverError('42P01', 'relation does not exist', { position: '15', hint: 'check it' }),
    );
    expect(other).toBeInstanceOf(SqlError);
    expect(other).toMatchObject({
      sqlstate: '42P01',
      position: 15,
      hint: 'check it',
      code: 'CONN_COCKROACHDB_SQL',
    });
  });

  it('a refused or unreachable host is a retryable ConnectionError: nothing was sent', () => {
    for (const errno of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']) {
      const mapped = toConnError(Object.assign(new Error(`connect ${errno}`), { code: errno }), {
        host: 'db.invalid',
        port: 26257,
      });
      expect(mapped, errno).toBeInstanceOf(CockroachDBConnectionError);
      expect(mapped, errno).toBeInstanceOf(ConnectionError);
      expect(mapped, errno).toMatchObject({
        code: 'CONN_CONNECTION_FAILED',
        retryable: true,
        details: { host: 'db.invalid', port: 26257 },
      });
    }
  });

  it('a reset is retryable while connecting, not once a statement may have been sent', () => {
    for (const errno of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT']) {
      const socketError = (): Error => Object.assign(new Error(`read ${errno}`), { code: errno });
      const connecting = toConnError(socketError(), { host: 'h', port: 1, phase: 'connect' });
      expect(connecting, errno).toBeInstanceOf(ConnectionError);
      expect(connecting, errno).toMatchObject({ code: 'CONN_CONNECTION_FAILED', retryable: true });
      const later = toConnError(socketError(), { host: 'h', port: 1 });
      expect(later, errno).toBeInstanceOf(ConnectionError);
      expect(later, errno).toMatchObject({ code: 'CONN_CONNECTION_FAILED', retryable: false });
    }
    // A socket that closed under a statement says nothing about whether it ran.
    expect(toConnError(new Error('Connection terminated unexpectedly'))).toMatchObject({
      code: 'CONN_CONNECTION_CLOSED',
      retryable: false,
    });
  });

  it('maps client-side failures: sockets, TLS, and values pg could not send', () => {
    expect(
      toConnError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({
      code: 'CONN_CONNECTION_FAILED',
    });
    expect(toConnError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(ConnectionError);
    expect(
      toConnError(Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })),
    ).toMatchObject({
      code: 'CONN_TLS_FAILED',
    });
    expect(toConnError(new Error('The server does not support SSL connections'))).toMatchObject({
      code: 'CONN_TLS_FAILED',
    });
    expect(toConnError(new TypeError('Do not know how to serialize a BigInt'))).toBeInstanceOf(ConfigError);
  });

  it('a failure at the commit point is ambiguous for 40003 and lost connections, not for 40001', () => {
    const ambiguous = commitFailure(serverError('40003', 'result is ambiguous'), 'RELEASE SAVEPOINT');
    expect(ambiguous).toBeInstanceOf(AmbiguousCommitError);
    expect(ambiguous).toMatchObject({
      sqlstate: '40003',
      code: 'CONN_COCKROACHDB_AMBIGUOUS_COMMIT',
      retryable: false,
    });
    expect(commitFailure(new Error('Connection terminated unexpectedly'), 'COMMIT')).toBeInstanceOf(
      AmbiguousCommitError,
    );
    expect(commitFailure(new TimeoutError('slow'), 'COMMIT')).toBeInstanceOf(AmbiguousCommitError);
    expect(commitFailure(serverError('40001', 'restart transaction'), 'COMMIT')).toBeInstanceOf(
      SerializationFailureError,
    );
  });

  it('every mapped error is a ConnError that serialises without throwing', () => {
    const errors = ['23505', '40001', '40003', '57014', 'XXA00', '28P01', '08006'].map((code) =>
      toConnError(serverError(code, 'm')),
    );
    for (const error of errors) {
      expect(isConnError(error)).toBe(true);
      expect(() => JSON.stringify(error)).not.toThrow();
    }
  });
});
