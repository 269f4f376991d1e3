import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { encodeApertureDBKey } from '../../src/key.js';
import { optionsFromEnv, optionsFromKey, resolveOptions } from '../../src/options.js';

const SECRET = 'SECRET-pw-0123456789';
const JSON_CONFIG = { host: 'db.example', username: 'admin', password: SECRET };

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('optionsFromEnv with APERTUREDB_KEY', () => {
  it('reads the key: a spec vector gives SSL without verification on the default port', () => {
    const resolved = resolveOptions(
      optionsFromEnv({ APERTUREDB_KEY: 'WzIsMSwibG9jYWxob3N0IixudWxsLCJhZG1pbiIsImFkbWluIl0=' }),
    );
    expect(resolved).toMatchObject({
      host: 'localhost',
      port: 55_555,
      auth: { kind: 'password', user: 'admin' },
      tls: { verifyHostname: false, insecure: true },
    });
  });

  it('wins over APERTUREDB_JSON', () => {
    const key = encodeApertureDBKey({ host: 'from-key', token: 'adbp_t', useSsl: false });
    const options = optionsFromEnv({ APERTUREDB_KEY: key, APERTUREDB_JSON: JSON.stringify(JSON_CONFIG) });
    const resolved = resolveOptions(options);
    expect(resolved).toMatchObject({
      host: 'from-key',
      tls: undefined,
      auth: { kind: 'token', user: undefined },
    });
  });

  it('keeps a verifying key verifying, with its CA file', () => {
    const key = encodeApertureDBKey({ host: 'h', token: 't', caCert: '/ca.pem' });
    expect(resolveOptions(optionsFromKey(key)).tls).toMatchObject({
      verifyHostname: true,
      insecure: false,
      caFile: '/ca.pem',
    });
  });

  it('skips an empty APERTUREDB_KEY, as the SDK does', () => {
    expect(optionsFromEnv({ APERTUREDB_KEY: '', APERTUREDB_JSON: JSON.stringify(JSON_CONFIG) }).host).toBe(
      'db.example',
    );
  });

  it('names the prefixed variable of a bad key and never repeats it', () => {
    const key = Buffer.from(`[2,1,"h",null,"u","${SECRET}"`).toString('base64');
    const error = configErrorOf(() => optionsFromEnv({ APP_APERTUREDB_KEY: key }, { prefix: 'APP_' }));
    expect(error.code).toBe('CONN_APERTUREDB_KEY');
    expect(error.field).toBe('APP_APERTUREDB_KEY');
    expect(error.message).toMatch(/^APP_APERTUREDB_KEY is malformed/);
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a REST key', () => {
    const error = configErrorOf(() =>
      optionsFromKey(
        'WzIsMywiYXBlcnR1cmVkYi5iaWdjb3JwLmlvOjE5MTgiLG51bGwsIllRWnVWVVdmWm9BZFoya1FFTHhQeUZ6bWRyd1l3dHIwQURhIl0=',
      ),
    );
    expect(error.code).toBe('CONN_APERTUREDB_KEY');
    expect(error.message).toMatch(/REST/);
  });
});

describe('optionsFromEnv with APERTUREDB_JSON', () => {
  it('reads the required fields, with the SDK defaults', () => {
    const resolved = resolveOptions(optionsFromEnv({ APERTUREDB_JSON: JSON.stringify(JSON_CONFIG) }));
    expect(resolved).toMatchObject({
      host: 'db.example',
      port: 55_555,
      auth: { kind: 'password', user: 'admin' },
      tls: { verifyHostname: true, insecure: false },
      useKeepalive: true,
      retryIntervalMs: 1_000,
      retryMaxAttempts: 3,
    });
    expect(resolved.auth.kind === 'password' && resolved.auth.password.reveal()).toBe(SECRET);
  });

  it('reads every optional field', () => {
    const config = {
      ...JSON_CONFIG,
      port: 1,
      name: 'ignored',
      use_ssl: true,
      use_rest: false,
      use_keepalive: false,
      retry_interval_seconds: 0.5,
      retry_max_attempts: 5,
      token: 'adbp_tok',
      user_keys: null,
      ca_cert: '/ca.pem',
      verify_hostname: false,
    };
    const resolved = resolveOptions(optionsFromEnv({ APERTUREDB_JSON: JSON.stringify(config) }));
    expect(resolved).toMatchObject({
      port: 1,
      auth: { kind: 'token', user: 'admin' },
      tls: { verifyHostname: false, insecure: true, caFile: '/ca.pem' },
      useKeepalive: false,
      retryIntervalMs: 500,
      retryMaxAttempts: 5,
    });
  });

  it('reads null token and ca_cert as not given, and use_ssl false as plain TCP', () => {
    const config = { ...JSON_CONFIG, token: null, ca_cert: null, use_ssl: false };
    const resolved = resolveOptions(optionsFromEnv({ APERTUREDB_JSON: JSON.stringify(config) }));
    expect(resolved).toMatchObject({ auth: { kind: 'password' }, tls: undefined });
  });

  it('lists every missing and malformed field at once, without the password', () => {
    const config = {
      username: 7,
      password: SECRET,
      port: '55555',
      use_ssl: 'yes',
      colour: 'red',
      use_rest: true,
    };
    const error = configErrorOf(() => optionsFromEnv({ APERTUREDB_JSON: JSON.stringify(config) }));
    expect(error.field).toBe('APERTUREDB_JSON');
    for (const part of [
      'APERTUREDB_JSON.host is missing',
      'APERTUREDB_JSON.username must be a string',
      'APERTUREDB_JSON.port must be an integer',
      'APERTUREDB_JSON.use_ssl must be a boolean',
      'APERTUREDB_JSON.colour is not a known field',
      'APERTUREDB_JSON.use_rest: the REST endpoint is not supported',
    ]) {
      expect(error.message).toContain(part);
    }
    expect(error.message).not.toContain(SECRET);
  });

  it.each([
    [`{"password": "${SECRET}"`, /not valid JSON/],
    ['[1]', /must be a JSON object/],
    ['null', /must be a JSON object/],
  ])('%s → ConfigError', (text, message) => {
    const error = configErrorOf(() => optionsFromEnv({ APERTUREDB_JSON: text }));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET);
  });

  it('names both variables when neither is set', () => {
    const error = configErrorOf(() => optionsFromEnv({ APERTUREDB_KEY: ' ' }, { prefix: '' }));
    expect(error.message).toBe('ApertureDB environment: neither APERTUREDB_KEY nor APERTUREDB_JSON is set');
    expect(error.field).toBe('APERTUREDB_KEY,APERTUREDB_JSON');
  });

  it('reads prefixed names only', () => {
    const env = { APERTUREDB_JSON: JSON.stringify(JSON_CONFIG) };
    const error = configErrorOf(() => optionsFromEnv(env, { prefix: 'APP_' }));
    expect(error.field).toBe('APP_APERTUREDB_KEY,APP_APERTUREDB_JSON');
    const config = { ...JSON_CONFIG, host: 'prefixed' };
    expect(
      optionsFromEnv({ ...env, APP_APERTUREDB_JSON: JSON.stringify(config) }, { prefix: 'APP_' }).host,
    ).toBe('prefixed');
  });
});
