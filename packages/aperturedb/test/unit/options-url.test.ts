import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { optionsFromUrl, resolveOptions } from '../../src/options.js';

const SECRET = 'p@ss-SECRET';

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
  it('reads user, password, host and port, with TLS on by default', () => {
    const resolved = resolveOptions(
      optionsFromUrl(`aperturedb://admin:${encodeURIComponent(SECRET)}@db.example:55556`),
    );
    expect(resolved).toMatchObject({
      host: 'db.example',
      port: 55_556,
      auth: { kind: 'password', user: 'admin' },
    });
    expect(resolved.auth.kind === 'password' && resolved.auth.password.reveal()).toBe(SECRET);
    expect(resolved.tls).toMatchObject({ verifyHostname: true, insecure: false });
  });

  it('applies the defaults to a bare URL', () => {
    expect(resolveOptions(optionsFromUrl('aperturedb://localhost'))).toMatchObject({
      host: 'localhost',
      port: 55_555,
      auth: { kind: 'none' },
    });
  });

  it('reads every parameter', () => {
    const url =
      'aperturedb://[::1]:1?useSsl=true&verifyHostname=false&insecure=true&useKeepalive=false&token=adbp_x' +
      '&retry=never&servername=sni&caFile=%2Fca.pem&retryIntervalMs=5&retryMaxAttempts=7&timeoutMs=Infinity' +
      '&connectTimeoutMs=9&maxMessageBytes=4096&poolMin=1&poolMax=3&acquireTimeoutMs=11&idleTimeoutMs=12' +
      '&refreshSkewMs=13';
    const resolved = resolveOptions(optionsFromUrl(url));
    expect(resolved).toMatchObject({
      host: '::1',
      port: 1,
      auth: { kind: 'token', user: undefined },
      tls: { verifyHostname: false, insecure: true, servername: 'sni', caFile: '/ca.pem' },
      useKeepalive: false,
      retry: 'never',
      retryIntervalMs: 5,
      retryMaxAttempts: 7,
      timeoutMs: undefined,
      connectTimeoutMs: 9,
      maxMessageBytes: 4096,
      pool: { min: 1, max: 3, acquireTimeoutMs: 11, idleTimeoutMs: 12 },
      session: { refreshSkewMs: 13 },
    });
    expect(resolved.auth.kind === 'token' && resolved.auth.token.reveal()).toBe('adbp_x');
  });

  it('turns TLS off with useSsl=false', () => {
    expect(resolveOptions(optionsFromUrl('aperturedb://h?useSsl=false')).tls).toBeUndefined();
  });

  it('lets overrides win', () => {
    expect(optionsFromUrl('aperturedb://h:1', { port: 2 }).port).toBe(2);
  });

  it.each([
    ['aperturedbs://h', 'url', /scheme/],
    ['postgres://h', 'url', /scheme/],
    ['aperturedb://h?ssl=true', 'url', /unknown URL parameter "ssl"/],
    ['aperturedb://a,b', 'url', /exactly one host/],
    ['aperturedb://h/db', 'url', /no path/],
    ['aperturedb://h?useSsl=yes', 'useSsl', /true or false/],
    ['aperturedb://h?poolMax=many', 'pool.max', /number/],
    ['aperturedb://h?timeoutMs=', 'timeoutMs', /number/],
  ])('%s → ConfigError on %s', (url, field, message) => {
    const error = configErrorOf(() => optionsFromUrl(url));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('never shows the password or token in an error', () => {
    for (const url of [
      `aperturedb://u:${SECRET}@h?bad=1`,
      `aperturedb://u:${SECRET}@a,b`,
      `aperturedb://h?token=${SECRET}&useSsl=maybe`,
    ]) {
      const error = configErrorOf(() => optionsFromUrl(url));
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(SECRET);
    }
  });

  it('leaves value checks to resolveOptions', () => {
    expect(configErrorOf(() => resolveOptions(optionsFromUrl('aperturedb://h?retry=maybe'))).field).toBe(
      'retry',
    );
  });
});
