import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  PoolDoubleReleaseError,
  PoolError,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  ServerError,
  TimeoutError,
} from '../../src/index.js';

describe('ConnError and its kinds', () => {
  const cases = [
    [ConnectionError, 'ConnectionError', 'CONN_CONNECTION_FAILED', true],
    [TimeoutError, 'TimeoutError', 'CONN_TIMEOUT', false],
    [AbortError, 'AbortError', 'CONN_ABORTED', false],
    [AuthenticationError, 'AuthenticationError', 'CONN_AUTH_FAILED', false],
    [AuthorizationError, 'AuthorizationError', 'CONN_ACCESS_DENIED', false],
    [PoolClosedError, 'PoolClosedError', 'CONN_POOL_CLOSED', false],
    [PoolTimeoutError, 'PoolTimeoutError', 'CONN_POOL_TIMEOUT', true],
    [PoolDoubleReleaseError, 'PoolDoubleReleaseError', 'CONN_POOL_DOUBLE_RELEASE', false],
    [ProtocolError, 'ProtocolError', 'CONN_PROTOCOL', false],
    [QueryError, 'QueryError', 'CONN_QUERY', false],
    [ServerError, 'ServerError', 'CONN_SERVER', false],
    [ConfigError, 'ConfigError', 'CONN_CONFIG', false],
  ] as const;

  it.each(cases)(
    '%o has its name, default code and default retryability',
    (ErrorClass, name, code, retryable) => {
      const error = new ErrorClass('boom');
      expect(error).toBeInstanceOf(ConnError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
      expect(error.message).toBe('boom');
      expect(String(error)).toBe(`${name}: boom`);
    },
  );

  it('keeps cause, overridden code and retryable, and frozen details', () => {
    const cause = new Error('ECONNRESET');
    const error = new ConnectionError('lost', {
      cause,
      code: 'CONN_CONNECTION_CLOSED',
      retryable: false,
      details: { host: 'db1', port: 9000 },
    });
    expect(error.cause).toBe(cause);
    expect(error.code).toBe('CONN_CONNECTION_CLOSED');
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ host: 'db1', port: 9000 });
    expect(Object.isFrozen(error.details)).toBe(true);
  });

  it('pool errors share the PoolError kind', () => {
    expect(new PoolTimeoutError('t')).toBeInstanceOf(PoolError);
    expect(new PoolClosedError('c')).toBeInstanceOf(PoolError);
    expect(new PoolTimeoutError('t')).not.toBeInstanceOf(PoolClosedError);
    expect(new TimeoutError('t')).not.toBeInstanceOf(PoolError);
  });

  it('ServerError keeps the raw server code and message', () => {
    const error = new ServerError('server failed', { serverCode: 67, serverMessage: 'not running' });
    expect(error.serverCode).toBe(67);
    expect(error.serverMessage).toBe('not running');
    expect(error.toJSON()).toMatchObject({
      code: 'CONN_SERVER',
      serverCode: 67,
      serverMessage: 'not running',
    });
  });

  it('ConfigError names the bad field', () => {
    const error = new ConfigError('pool.max must be >= 1', { field: 'pool.max' });
    expect(error.field).toBe('pool.max');
    expect(error.details).toEqual({ field: 'pool.max' });
  });

  it('toJSON summarises the cause without its stack', () => {
    const cause = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const json = new ConnectionError('connect failed', { cause }).toJSON();
    expect(json).toEqual({
      name: 'ConnectionError',
      code: 'CONN_CONNECTION_FAILED',
      message: 'connect failed',
      retryable: true,
      details: {},
      cause: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' },
    });
  });

  it('toJSON never throws on odd causes: prototype-less objects and error-like copies', () => {
    const bare = Object.create(null) as object;
    expect(new QueryError('q', { cause: bare }).toJSON()['cause']).toBe('[object Object]');
    const copied = Object.assign(Object.create(null) as object, { name: 'TypeError', message: 'y' });
    expect(new QueryError('q', { cause: copied }).toJSON()['cause']).toEqual({
      name: 'TypeError',
      message: 'y',
    });
    expect(new QueryError('q', { cause: 42 }).toJSON()['cause']).toBe('42');
  });

  it('a driver subclass inherits code defaults and cross-kind checks', () => {
    class InsertError extends QueryError {}
    const error = new InsertError('bad points', { code: 'CONN_SIRIDB_INSERT' });
    expect(error).toBeInstanceOf(QueryError);
    expect(error.code).toBe('CONN_SIRIDB_INSERT');
    expect(isConnError(error)).toBe(true);
  });

  it('isConnError is false for plain errors and non-objects', () => {
    expect(isConnError(new Error('x'))).toBe(false);
    expect(isConnError('CONN_ERROR')).toBe(false);
    expect(isConnError(null)).toBe(false);
    expect(isConnError({ code: 'CONN_POOL_TIMEOUT' })).toBe(false);
  });

  it('isConnError and instanceof work across two installed copies of core (ESM source vs built CJS)', () => {
    const require = createRequire(import.meta.url);
    const otherCopy = require('../../dist/index.cjs') as typeof import('../../src/index.js');
    const foreign = new otherCopy.PoolTimeoutError('from the other copy');
    expect(otherCopy.PoolTimeoutError).not.toBe(PoolTimeoutError);
    expect(isConnError(foreign)).toBe(true);
    expect(foreign).toBeInstanceOf(ConnError);
    expect(foreign).toBeInstanceOf(PoolError);
    expect(foreign).toBeInstanceOf(PoolTimeoutError);
    expect(foreign).not.toBeInstanceOf(PoolClosedError);
    expect(new ConnectionError('local')).toBeInstanceOf(otherCopy.ConnError);
  });

  it('inspect output shows code and message', () => {
    const text = inspect(new PoolTimeoutError('no connection within 10 ms'));
    expect(text).toContain('PoolTimeoutError: no connection within 10 ms');
    expect(text).toContain("code: 'CONN_POOL_TIMEOUT'");
  });
});
