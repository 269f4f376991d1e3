import { inspect } from 'node:util';
import { ConfigError, createEventPublisher, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { type ApertureDBClientOptions, resolveOptions } from '../../src/options.js';

const SECRET = 'pw-SECRET-0123456789';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveOptions defaults', () => {
  it('fills in the SDK defaults and the contract defaults', () => {
    expect(resolveOptions()).toEqual({
      host: 'localhost',
      port: 55_555,
      auth: { kind: 'none' },
      tls: { ca: undefined, caFile: undefined, verifyHostname: true, servername: undefined, insecure: false },
      useKeepalive: true,
      retryIntervalMs: 1_000,
      retryMaxAttempts: 3,
      retry: 'safe',
      timeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      maxMessageBytes: 256 * 1024 * 1024,
      pool: { min: 0, max: 10, acquireTimeoutMs: 30_000, idleTimeoutMs: 300_000 },
      session: { refreshSkewMs: 10_000 },
      events: undefined,
    });
  });

  it('keeps every given value', () => {
    const events = createEventPublisher('aperturedb');
    const options: ApertureDBClientOptions = {
      host: 'db.example',
      port: 55_556,
      user: 'admin',
      password: SECRET,
      useSsl: true,
      tls: {
        ca: ['pem'],
        caFile: '/ca.pem',
        verifyHostname: false,
        servername: 'sni.example',
        insecure: true,
      },
      useKeepalive: false,
      retryIntervalMs: 0,
      retryMaxAttempts: 1,
      retry: 'always',
      timeoutMs: Number.POSITIVE_INFINITY,
      connectTimeoutMs: 5,
      maxMessageBytes: 2 * 1024 ** 3,
      pool: { min: 2, max: 2, acquireTimeoutMs: 1, idleTimeoutMs: 2 },
      session: { refreshSkewMs: 0 },
      events,
    };
    const resolved = resolveOptions(options);
    expect(resolved).toMatchObject({
      host: 'db.example',
      port: 55_556,
      auth: { kind: 'password', user: 'admin' },
      tls: {
        ca: ['pem'],
        caFile: '/ca.pem',
        verifyHostname: false,
        servername: 'sni.example',
        insecure: true,
      },
      useKeepalive: false,
      retryIntervalMs: 0,
      retryMaxAttempts: 1,
      retry: 'always',
      timeoutMs: undefined,
      connectTimeoutMs: 5,
      maxMessageBytes: 2 * 1024 ** 3,
      pool: { min: 2, max: 2, acquireTimeoutMs: 1, idleTimeoutMs: 2 },
      session: { refreshSkewMs: 0 },
    });
    expect(resolved.events).toBe(events);
    expect(resolved.auth.kind === 'password' && resolved.auth.password.reveal()).toBe(SECRET);
  });

  it('has no TLS settings with useSsl: false', () => {
    expect(resolveOptions({ useSsl: false }).tls).toBeUndefined();
  });
});

describe('resolveOptions credentials', () => {
  it('keeps password and token as Secrets, never shown', () => {
    const withPassword = resolveOptions({ user: 'u', password: SECRET });
    const withToken = resolveOptions({ token: new Secret(SECRET) });
    expect(withToken.auth).toMatchObject({ kind: 'token', user: undefined });
    for (const resolved of [withPassword, withToken]) {
      expect(JSON.stringify(resolved)).not.toContain(SECRET);
      expect(inspect(resolved, { depth: 5 })).not.toContain(SECRET);
    }
  });

  it('sends a user with a token when one is given', () => {
    expect(resolveOptions({ user: 'u', token: 't' }).auth).toMatchObject({ kind: 'token', user: 'u' });
  });

  it('reads empty strings as not given, as the SDK does', () => {
    expect(resolveOptions({ user: '', password: '', token: '' }).auth).toEqual({ kind: 'none' });
    expect(resolveOptions({ user: 'u', password: new Secret(''), token: 't' }).auth.kind).toBe('token');
  });

  it.each([
    [{ password: SECRET }, 'user', /user is required/],
    [{ user: 'u', password: SECRET, token: SECRET }, 'token', /not both/],
    [{ user: 'u' }, 'password', /needs a password or a token/],
    [{ password: 42 }, 'password', /string or a Secret/],
    [{ token: {} }, 'token', /string or a Secret/],
    [{ user: 'a\0b', password: SECRET }, 'user', /non-empty string/],
  ])('%o → ConfigError on %s', (options, field, message) => {
    const error = configErrorOf(() => resolveOptions(options as ApertureDBClientOptions));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('resolveOptions errors name the field', () => {
  it.each([
    [{ host: '' }, 'host'],
    [{ port: 0 }, 'port'],
    [{ port: 65_536 }, 'port'],
    [{ port: '55555' }, 'port'],
    [{ useSsl: 'yes' }, 'useSsl'],
    [{ useKeepalive: 1 }, 'useKeepalive'],
    [{ tls: 'on' }, 'tls'],
    [{ tls: { verifyHostname: 'no' } }, 'tls.verifyHostname'],
    [{ tls: { insecure: 1 } }, 'tls.insecure'],
    [{ tls: { ca: 42 } }, 'tls.ca'],
    [{ tls: { ca: ['pem', 1] } }, 'tls.ca'],
    [{ tls: { caFile: '' } }, 'tls.caFile'],
    [{ tls: { servername: '' } }, 'tls.servername'],
    [{ retryIntervalMs: -1 }, 'retryIntervalMs'],
    [{ retryMaxAttempts: 0 }, 'retryMaxAttempts'],
    [{ retryMaxAttempts: 1.5 }, 'retryMaxAttempts'],
    [{ retry: 'sometimes' }, 'retry'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ connectTimeoutMs: 0 }, 'connectTimeoutMs'],
    [{ maxMessageBytes: 1023 }, 'maxMessageBytes'],
    [{ maxMessageBytes: 2 * 1024 ** 3 + 1 }, 'maxMessageBytes'],
    [{ pool: [] }, 'pool'],
    [{ pool: { max: 0 } }, 'pool.max'],
    [{ pool: { min: -1 } }, 'pool.min'],
    [{ pool: { min: 3, max: 2 } }, 'pool.min'],
    [{ pool: { acquireTimeoutMs: -1 } }, 'pool.acquireTimeoutMs'],
    [{ pool: { idleTimeoutMs: Number.NaN } }, 'pool.idleTimeoutMs'],
    [{ session: null }, 'session'],
    [{ session: { refreshSkewMs: -5 } }, 'session.refreshSkewMs'],
  ])('%o → field %s', (options, field) => {
    const error = configErrorOf(() => resolveOptions(options as unknown as ApertureDBClientOptions));
    expect(error.code).toBe('CONN_CONFIG');
    expect(error.field).toBe(field);
  });

  it('rejects a non-object', () => {
    expect(configErrorOf(() => resolveOptions(null as unknown as ApertureDBClientOptions)).field).toBe(
      'options',
    );
  });
});
