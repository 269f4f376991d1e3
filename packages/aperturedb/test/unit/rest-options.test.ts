import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { encodeApertureDBKey } from '../../src/key.js';
import { resolveRestOptions, restOptionsFromKey } from '../../src/rest/options.js';

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('REST client options', () => {
  it('defaults the port by scheme and the path to /api/, verifying TLS', () => {
    const secure = resolveRestOptions({ url: 'https://db.example.com', user: 'u', password: 'p' });
    expect(secure).toMatchObject({ scheme: 'https:', host: 'db.example.com', port: 443, path: '/api/' });
    expect(secure.tls).toMatchObject({ insecure: false, verifyHostname: true });
    const plain = resolveRestOptions({ url: 'http://127.0.0.1:8080/proxy/api/' });
    expect(plain).toMatchObject({ scheme: 'http:', port: 8080, path: '/proxy/api/', tls: undefined });
    expect(plain.auth).toEqual({ kind: 'none' });
    expect(resolveRestOptions({ url: 'https://[::1]:9443/api/' })).toMatchObject({ host: '::1', port: 9443 });
  });

  it('reads user and password from the URL, options winning, and never repeats them in errors', () => {
    const fromUrl = resolveRestOptions({ url: 'https://admin:s%40cret@db/api/' });
    expect(fromUrl.auth).toMatchObject({ kind: 'password', user: 'admin' });
    expect(fromUrl.auth.kind === 'password' && fromUrl.auth.password.reveal()).toBe('s@cret');
    const withToken = resolveRestOptions({ url: 'https://admin:pw@db/api/', token: 'adbp_x' });
    expect(withToken.auth).toMatchObject({ kind: 'token', user: 'admin' });
    const bad = configErrorOf(() => resolveRestOptions({ url: 'ftp://admin:hunter2@db/' }));
    expect(bad.field).toBe('url');
    expect(bad.message).not.toContain('hunter2');
    const unparsable = configErrorOf(() => resolveRestOptions({ url: 'https://admin:hunter2@' }));
    expect(unparsable.message).not.toContain('hunter2');
  });

  it('checks the shared options with the TCP client’s rules', () => {
    expect(configErrorOf(() => resolveRestOptions({ url: 'https://db', timeoutMs: -1 })).field).toBe(
      'timeoutMs',
    );
    expect(configErrorOf(() => resolveRestOptions({ url: 'https://db', user: 'u' })).field).toBe('password');
    expect(
      configErrorOf(() => resolveRestOptions({ url: 'https://db', retry: 'always' as never })).field,
    ).toBe('retry');
    expect(configErrorOf(() => resolveRestOptions({ url: 'https://db/api/?x=1' })).field).toBe('url');
  });

  it('takes REST keys only', () => {
    const key = encodeApertureDBKey({ host: 'db.example.com', useRest: true, username: 'u', password: 'p' });
    expect(restOptionsFromKey(key)).toMatchObject({ url: 'https://db.example.com:443/api/', user: 'u' });
    const tcpKey = encodeApertureDBKey({ host: 'db.example.com', username: 'u', password: 'p' });
    expect(configErrorOf(() => restOptionsFromKey(tcpKey)).code).toBe('CONN_APERTUREDB_KEY');
  });
});
