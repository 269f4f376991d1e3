import { AuthenticationError, AuthorizationError, isConnError, QueryError, ServerError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  errorFromPackage,
  InsertError,
  SiriDBAuthenticationError,
  SiriDBPoolError,
  SiriDBQueryError,
  SiriDBServerError,
  SiriDBServiceError,
  UserAuthError,
  unexpectedResponse,
} from '../../src/errors.js';

describe('SiriDB error packages map to core error kinds, keeping type and error_msg', () => {
  const cases = [
    [
      65,
      { error_msg: 'Query error at position 7.' },
      SiriDBQueryError,
      QueryError,
      'CONN_SIRIDB_QUERY',
      false,
    ],
    [
      66,
      { error_msg: 'Expecting an integer value as time-stamp.' },
      InsertError,
      QueryError,
      'CONN_SIRIDB_INSERT',
      false,
    ],
    [67, { error_msg: 'not running' }, SiriDBServerError, ServerError, 'CONN_SIRIDB_SERVER', true],
    [
      68,
      { error_msg: 'At least one pool has no server available' },
      SiriDBPoolError,
      ServerError,
      'CONN_SIRIDB_POOL',
      true,
    ],
    [
      69,
      { error_msg: "Access denied. User 'r' has no 'insert' privileges." },
      UserAuthError,
      AuthorizationError,
      'CONN_SIRIDB_ACCESS_DENIED',
      false,
    ],
    [71, undefined, SiriDBAuthenticationError, AuthenticationError, 'CONN_SIRIDB_NOT_AUTHENTICATED', true],
    [72, undefined, SiriDBAuthenticationError, AuthenticationError, 'CONN_SIRIDB_AUTH_FAILED', false],
    [73, undefined, SiriDBAuthenticationError, AuthenticationError, 'CONN_SIRIDB_UNKNOWN_DATABASE', false],
    [
      96,
      { error_msg: "incorrect password for service account 'sa'" },
      SiriDBServiceError,
      ServerError,
      'CONN_SIRIDB_SERVICE',
      false,
    ],
    [97, undefined, SiriDBServiceError, ServerError, 'CONN_SIRIDB_SERVICE_INVALID_REQUEST', false],
    [64, { error_msg: 'generic' }, SiriDBServerError, ServerError, 'CONN_SIRIDB_ERROR', false],
    [70, undefined, SiriDBServerError, ServerError, 'CONN_SIRIDB_ERROR', false],
  ] as const;

  it.each(cases)('type %i', (type, payload, ErrorClass, CoreKind, code, retryable) => {
    const error = errorFromPackage(type, payload, { host: 'h', port: 9000, pid: 7 });
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(CoreKind);
    expect(isConnError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect((error as unknown as { siridbType: number }).siridbType).toBe(type);
    expect((error as unknown as { serverMessage?: string }).serverMessage).toBe(payload?.error_msg);
    expect(error.details).toMatchObject({ host: 'h', port: 9000, pid: 7, siridbType: type });
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('uses the Python wording for empty error packages', () => {
    expect(errorFromPackage(72, undefined).message).toBe('Invalid credentials');
    expect(errorFromPackage(73, undefined).message).toBe('Unknown database');
    expect(errorFromPackage(71, undefined).message).toBe('This connection is not authenticated');
  });

  it('SiriDBServerError keeps serverCode = the type', () => {
    const error = errorFromPackage(67, { error_msg: 'x' }) as SiriDBServerError;
    expect(error.serverCode).toBe(67);
    expect(error.serverMessage).toBe('x');
  });

  it('an unexpected response type is a ProtocolError naming it', () => {
    const error = unexpectedResponse(20, 'query answer type 0', { pid: 1 });
    expect(error.code).toBe('CONN_SIRIDB_UNEXPECTED_RESPONSE');
    expect(error.details).toMatchObject({ siridbType: 20, pid: 1 });
  });
});
