import { inspect } from 'node:util';
import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { optionsFromUrl, resolveOptions } from '../../src/options.js';

// A secret key with characters that must be percent-encoded in a URL.
const SECRET = 's3cr3t/key@with:odd?chars';
const ACCESS = 'ACCESSKEY0000000000000000BB';
const CLIENT = 'CLIENTKEY0000000000000000AA';
const URL = `zteradb://${ACCESS}:${encodeURIComponent(SECRET)}@127.0.0.1:7001/DB1?clientKey=${CLIENT}&env=qa`;

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('optionsFromUrl', () => {
  it('reads keys, host, port, database and environment', () => {
    const resolved = resolveOptions(optionsFromUrl(URL));
    expect(resolved).toMatchObject({
      host: '127.0.0.1',
      port: 7001,
      databaseId: 'DB1',
      env: 'qa',
      tls: undefined,
    });
    expect(resolved.secretKey.reveal()).toBe(SECRET);
    expect(resolved.accessKey.reveal()).toBe(ACCESS);
    expect(resolved.clientKey.reveal()).toBe(CLIENT);
  });

  it('defaults the port to 7777', () => {
    const resolved = resolveOptions(optionsFromUrl(URL.replace(':7001', '')));
    expect(resolved.port).toBe(7777);
  });

  it('reads the optional parameters', () => {
    const resolved = resolveOptions(
      optionsFromUrl(
        `${URL}&tls=true&tlsRejectUnauthorized=false&poolMin=1&poolMax=5&acquireTimeoutMs=500` +
          '&idleTimeoutMs=900&timeoutMs=2000&connectTimeoutMs=300&completeGraceMs=50&maxFrameBytes=4096' +
          '&strictServerProof=true&responseDataType=json',
      ),
    );
    expect(resolved).toMatchObject({
      tls: { rejectUnauthorized: false },
      pool: { min: 1, max: 5, acquireTimeoutMs: 500, idleTimeoutMs: 900 },
      timeoutMs: 2000,
      connectTimeoutMs: 300,
      completeGraceMs: 50,
      maxFrameBytes: 4096,
      strictServerProof: true,
      responseDataType: 'json',
    });
    expect(resolveOptions(optionsFromUrl(`${URL}&tls=true`)).tls?.rejectUnauthorized).toBe(true);
  });

  it('lets overrides win', () => {
    expect(optionsFromUrl(URL, { env: 'prod', port: 9 })).toMatchObject({ env: 'prod', port: 9 });
  });

  it.each([
    ['http://a:b@h/DB1?clientKey=c&env=dev', 'url'],
    [`${URL}&bogus=1`, 'url'],
    [URL.replace('127.0.0.1:7001', 'a:1,b:2'), 'url'],
    [`${URL}&poolMax=many`, 'pool.max'],
    [`${URL}&timeoutMs=`, 'timeoutMs'],
    [`${URL}&tls=yes`, 'tls'],
  ])('rejects %s naming %s', (url, field) => {
    const error = configErrorOf(() => optionsFromUrl(url));
    expect(error.field).toBe(field);
  });

  it.each([
    [URL.replace(`clientKey=${CLIENT}&`, ''), 'clientKey'],
    [URL.replace('&env=qa', ''), 'env'],
    [URL.replace('/DB1', ''), 'databaseId'],
    [URL.replace(`${ACCESS}:${encodeURIComponent(SECRET)}@`, ''), 'accessKey'],
    [URL.replace(`:${encodeURIComponent(SECRET)}`, ''), 'secretKey'],
  ])('leaves a missing part for validation to name: %s', (url, field) => {
    const error = configErrorOf(() => resolveOptions(optionsFromUrl(url)));
    expect(error.field).toBe(field);
  });

  it('never echoes the keys in errors or options', () => {
    const errors = [
      configErrorOf(() => optionsFromUrl(`${URL}&bogus=1`)),
      configErrorOf(() => optionsFromUrl(`${URL}&poolMax=x`)),
      configErrorOf(() => optionsFromUrl(URL.replace('zteradb:', 'http:'))),
      configErrorOf(() => optionsFromUrl(URL.replace('7001', '99999'))),
      configErrorOf(() => optionsFromUrl(URL.replace('127.0.0.1:7001', 'a:1,b:2'))),
    ];
    const options = optionsFromUrl(URL);
    const shown = [...errors.flatMap((e) => [e.message, JSON.stringify(e), inspect(e)]), inspect(options)];
    for (const text of shown) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(encodeURIComponent(SECRET));
      expect(text).not.toContain(CLIENT);
      expect(text).not.toContain(ACCESS);
    }
    expect(errors[0]?.message).toContain('[redacted]');
  });
});
