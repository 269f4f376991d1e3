import { inspect } from 'node:util';
import { ConfigError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, resolveOptions, type ZTeraDBClientOptions } from '../../src/options.js';

const SECRET = 'SECRET-0123456789abcdef';
const BASE: ZTeraDBClientOptions = {
  clientKey: 'CLIENTKEY0000000000000000AA',
  accessKey: 'ACCESSKEY0000000000000000BB',
  secretKey: SECRET,
  databaseId: 'DB1',
  env: 'dev',
  host: '127.0.0.1',
};

function configErrorOf(options: unknown): ConfigError {
  try {
    resolveOptions(options as ZTeraDBClientOptions);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    const resolved = resolveOptions(BASE);
    expect(resolved).toMatchObject({
      databaseId: 'DB1',
      env: 'dev',
      responseDataType: 'json',
      host: '127.0.0.1',
      port: 7777,
      tls: undefined,
      pool: { min: 0, max: 10, acquireTimeoutMs: 30_000, idleTimeoutMs: 300_000 },
      timeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      completeGraceMs: 1_000,
      strictServerProof: false,
    });
    expect(DEFAULT_PORT).toBe(7777);
    expect(resolved.secretKey).toBeInstanceOf(Secret);
    expect(resolved.secretKey.reveal()).toBe(SECRET);
    expect(resolved.clientKey.reveal()).toBe(BASE.clientKey);
  });

  it('keeps Secrets given as Secrets', () => {
    const secretKey = new Secret(SECRET);
    expect(resolveOptions({ ...BASE, secretKey }).secretKey).toBe(secretKey);
  });

  it('leaves TLS off by default and verifies it when on', () => {
    expect(resolveOptions({ ...BASE, tls: false }).tls).toBeUndefined();
    expect(resolveOptions({ ...BASE, tls: true }).tls).toEqual({
      rejectUnauthorized: true,
      ca: undefined,
      servername: undefined,
    });
    expect(resolveOptions({ ...BASE, tls: { ca: 'PEM' } }).tls?.rejectUnauthorized).toBe(true);
    expect(resolveOptions({ ...BASE, tls: { rejectUnauthorized: false } }).tls?.rejectUnauthorized).toBe(
      false,
    );
  });

  it('turns Infinity into no deadline', () => {
    expect(resolveOptions({ ...BASE, timeoutMs: Number.POSITIVE_INFINITY }).timeoutMs).toBeUndefined();
  });

  it.each([
    [{ clientKey: '' }, 'clientKey'],
    [{ accessKey: undefined }, 'accessKey'],
    [{ secretKey: new Secret('') }, 'secretKey'],
    [{ secretKey: 42 }, 'secretKey'],
    [{ databaseId: '' }, 'databaseId'],
    [{ env: undefined }, 'env'],
    [{ env: 'prd' }, 'env'],
    [{ responseDataType: 'buffer' }, 'responseDataType'],
    [{ host: '' }, 'host'],
    [{ port: 0 }, 'port'],
    [{ port: 65_536 }, 'port'],
    [{ port: 7777.5 }, 'port'],
    [{ tls: 'yes' }, 'tls'],
    [{ tls: { rejectUnauthorized: 'no' } }, 'tls.rejectUnauthorized'],
    [{ pool: { max: 0 } }, 'pool.max'],
    [{ pool: { min: -1 } }, 'pool.min'],
    [{ pool: { min: 6, max: 5 } }, 'pool.min'],
    [{ pool: { acquireTimeoutMs: -1 } }, 'pool.acquireTimeoutMs'],
    [{ timeoutMs: Number.NaN }, 'timeoutMs'],
    [{ connectTimeoutMs: 0 }, 'connectTimeoutMs'],
    [{ completeGraceMs: -5 }, 'completeGraceMs'],
    [{ strictServerProof: 'true' }, 'strictServerProof'],
  ])('rejects %o naming %s', (change, field) => {
    const error = configErrorOf({ ...BASE, ...change });
    expect(error.code).toBe('CONN_CONFIG');
    expect(error.field).toBe(field);
  });

  it('rejects a missing options object', () => {
    expect(configErrorOf(null).field).toBe('options');
  });

  it('never shows a key in inspect or JSON of the resolved options', () => {
    const resolved = resolveOptions(BASE);
    const shown = `${inspect(resolved, { depth: 5 })}\n${JSON.stringify(resolved)}`;
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(String(BASE.accessKey));
    expect(shown).not.toContain(String(BASE.clientKey));
  });
});
