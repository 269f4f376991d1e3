import { ConfigError, Secret } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApertureDBKeyInput, decodeApertureDBKey, encodeApertureDBKey } from '../../src/key.js';

const TOKEN = 'adbp_YQZuVUWfZoAdZ2kQELxPyFzmdrwYwtr0ADa';

interface Vector {
  readonly key: string;
  readonly input: ApertureDBKeyInput;
}

// The two vectors of docs/protocols/aperturedb.md §2.3 first, then the rest of the official SDK's key
// test vectors (every flag combination, compressed cloud hosts, explicit ports).
const VECTORS: readonly Vector[] = [
  {
    key: 'WzIsMSwibG9jYWxob3N0IixudWxsLCJhZG1pbiIsImFkbWluIl0=',
    input: {
      host: 'localhost',
      port: 55_555,
      useSsl: true,
      useRest: false,
      username: 'admin',
      password: 'admin',
    },
  },
  {
    key: 'WzIsMywiYXBlcnR1cmVkYi5iaWdjb3JwLmlvOjE5MTgiLG51bGwsIllRWnVWVVdmWm9BZFoya1FFTHhQeUZ6bWRyd1l3dHIwQURhIl0=',
    input: { host: 'aperturedb.bigcorp.io', port: 1918, useSsl: true, useRest: true, token: TOKEN },
  },
  {
    key: 'WzIsMCwiMTI3LjAuMC4xOjU1NTU0IixudWxsLCJZUVp1VlVXZlpvQWRaMmtRRUx4UHlGem1kcndZd3RyMEFEYSJd',
    input: { host: '127.0.0.1', port: 55_554, useSsl: false, useRest: false, token: TOKEN },
  },
  {
    key: 'WzIsNywid29ya2Zsb3ctbG9hZGVkLWZvMWphdTN0LjAiLG51bGwsImFkbWluIiwiMTIzNEJUUUxQXyUydHQiXQ==',
    input: {
      host: 'workflow-loaded-fo1jau3t.farm0000.cloud.aperturedata.io',
      port: 443,
      useSsl: true,
      useRest: true,
      username: 'admin',
      password: '1234BTQLP_%2tt',
    },
  },
  {
    key: 'WzIsNSwidGVzdC0zcWpxdDZrcy40IixudWxsLCJZUVp1VlVXZlpvQWRaMmtRRUx4UHlGem1kcndZd3RyMEFEYSJd',
    input: {
      host: 'test-3qjqt6ks.farm0004.cloud.aperturedata.io',
      port: 55_555,
      useSsl: true,
      useRest: false,
      token: TOKEN,
    },
  },
  {
    key: 'WzIsMiwiMTkyLjE2OC40LjEyOjU1NTU1IixudWxsLCJhZG1pbiIsImFkbWluIl0=',
    input: {
      host: '192.168.4.12',
      port: 55_555,
      useSsl: false,
      useRest: true,
      username: 'admin',
      password: 'admin',
    },
  },
  {
    key: 'WzIsNCwidGNwLTU1N2Vwbm4zLjkwOToxOTE4IixudWxsLCJhZG1pbiIsIjg5MEVwTW4rISUyJF8iXQ==',
    input: {
      host: 'tcp-557epnn3.farm0909.cloud.aperturedata.io',
      port: 1918,
      useSsl: false,
      useRest: false,
      username: 'admin',
      password: '890EpMn+!%2$_',
    },
  },
  {
    key: 'WzIsNiwiaHR0cC05MGpnM3pwcy4xMjo0NDMiLG51bGwsIllRWnVWVVdmWm9BZFoya1FFTHhQeUZ6bWRyd1l3dHIwQURhIl0=',
    input: {
      host: 'http-90jg3zps.farm0012.cloud.aperturedata.io',
      port: 443,
      useSsl: false,
      useRest: true,
      token: TOKEN,
    },
  },
];

const base64Json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');

function keyErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('APERTUREDB_KEY vectors', () => {
  it('decodes the first spec vector: SSL, no host-name check, default port, admin/admin', () => {
    const key = decodeApertureDBKey(VECTORS[0]!.key);
    expect(key).toMatchObject({
      host: 'localhost',
      port: 55_555,
      useSsl: true,
      useRest: false,
      verifyHostname: false,
      caCert: undefined,
      token: undefined,
      username: 'admin',
    });
    expect(key.password?.reveal()).toBe('admin');
  });

  it('decodes the second spec vector: REST and SSL on port 1918 with an adbp_ token', () => {
    const key = decodeApertureDBKey(VECTORS[1]!.key);
    expect(key).toMatchObject({
      host: 'aperturedb.bigcorp.io',
      port: 1918,
      useSsl: true,
      useRest: true,
      verifyHostname: false,
      username: undefined,
      password: undefined,
    });
    expect(key.token?.reveal()).toBe(TOKEN);
  });

  it.each(VECTORS)('decodes $key', ({ key, input }) => {
    const decoded = decodeApertureDBKey(new Secret(key));
    expect(decoded).toMatchObject({
      host: input.host,
      port: input.port,
      useSsl: input.useSsl,
      useRest: input.useRest,
    });
    expect(decoded.token?.reveal()).toBe(input.token);
    expect(decoded.username).toBe(input.username);
    expect(decoded.password?.reveal()).toBe(input.password);
  });

  it.each(VECTORS)('encodes back to $key byte for byte', ({ key, input }) => {
    expect(encodeApertureDBKey({ ...input, verifyHostname: false })).toBe(key);
  });
});

describe('APERTUREDB_KEY layout', () => {
  it('sets flag 8 when the host name is verified (the default) and keeps ca_cert', () => {
    const key = encodeApertureDBKey({ host: 'db.example', token: 'adbp_abc', caCert: '/etc/ca.pem' });
    expect(Buffer.from(key, 'base64').toString()).toBe('[2,9,"db.example","/etc/ca.pem","abc"]');
    expect(decodeApertureDBKey(key)).toMatchObject({
      verifyHostname: true,
      caCert: '/etc/ca.pem',
      useSsl: true,
    });
  });

  it('adds adbp_ to a token given without it', () => {
    const key = encodeApertureDBKey({ host: 'h', token: 'abc' });
    expect(decodeApertureDBKey(key).token?.reveal()).toBe('adbp_abc');
  });

  it('reads version 1 keys (no ca_cert slot, always verifying)', () => {
    const withPassword = decodeApertureDBKey(base64Json([1, 1, 'db.example:7000', 'u', 'p']));
    expect(withPassword).toMatchObject({
      host: 'db.example',
      port: 7000,
      verifyHostname: true,
      caCert: undefined,
    });
    expect(withPassword.password?.reveal()).toBe('p');
    expect(decodeApertureDBKey(base64Json([1, 0, 'h', 'tok'])).token?.reveal()).toBe('adbp_tok');
  });

  it('writes Python json.dumps text: non-ASCII escaped', () => {
    const key = encodeApertureDBKey({ host: 'h', username: 'jürgen', password: 'p€' });
    expect(Buffer.from(key, 'base64').toString()).toBe('[2,9,"h",null,"j\\u00fcrgen","p\\u20ac"]');
    expect(decodeApertureDBKey(key).username).toBe('jürgen');
  });

  it('compresses only cloud hosts that decode to the same name', () => {
    const raw = (host: string): string =>
      Buffer.from(encodeApertureDBKey({ host, token: 't' }), 'base64').toString();
    expect(raw('x.farm0012.cloud.aperturedata.io')).toBe('[2,13,"x.12",null,"t"]');
    expect(raw('x.farm12345.cloud.aperturedata.io')).toBe('[2,13,"x.12345",null,"t"]');
    // Two digits, or a name with a dot, would not come back as written: left uncompressed.
    expect(raw('x.farm12.cloud.aperturedata.io')).toBe('[2,9,"x.farm12.cloud.aperturedata.io",null,"t"]');
    expect(raw('a.b.farm0001.cloud.aperturedata.io')).toBe(
      '[2,9,"a.b.farm0001.cloud.aperturedata.io",null,"t"]',
    );
  });

  it('brackets an IPv6 address and always writes its port', () => {
    const key = encodeApertureDBKey({ host: '::1', token: 't' });
    expect(Buffer.from(key, 'base64').toString()).toBe('[2,9,"[::1]:55555",null,"t"]');
    expect(decodeApertureDBKey(key)).toMatchObject({ host: '::1', port: 55_555 });
  });

  it('round-trips any settings', () => {
    const host = fc.oneof(
      fc.domain(),
      fc.ipV4(),
      fc.ipV6(),
      fc
        .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.integer({ min: 0, max: 99_999 }))
        .map(([name, farm]) => `${name}.farm${String(farm).padStart(4, '0')}.cloud.aperturedata.io`),
    );
    const credentials = fc.oneof(
      fc.record({ token: fc.string({ minLength: 1 }) }),
      fc.record({ username: fc.string(), password: fc.string() }),
    );
    fc.assert(
      fc.property(
        host,
        fc.integer({ min: 1, max: 65_535 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.string(), { nil: undefined }),
        credentials,
        (h, port, useSsl, useRest, verifyHostname, caCert, creds) => {
          const key = encodeApertureDBKey({
            host: h,
            port,
            useSsl,
            useRest,
            verifyHostname,
            caCert,
            ...creds,
          });
          const decoded = decodeApertureDBKey(key);
          expect(decoded).toMatchObject({ host: h, port, useSsl, useRest, verifyHostname, caCert });
          if ('token' in creds) {
            const token = creds.token.startsWith('adbp_') ? creds.token : `adbp_${creds.token}`;
            expect(decoded.token?.reveal()).toBe(token);
          } else {
            expect(decoded.username).toBe(creds.username);
            expect(decoded.password?.reveal()).toBe(creds.password);
          }
        },
      ),
    );
  });
});

describe('bad APERTUREDB_KEY', () => {
  const PASSWORD = 'hunter2-SECRET';
  const cases: readonly [string, string, RegExp][] = [
    ['empty', '  ', /empty/],
    ['not base64', 'not a key!', /not base64/],
    ['not JSON', Buffer.from(`{${PASSWORD}`).toString('base64'), /JSON/],
    ['not an array', base64Json({ password: PASSWORD }), /array/],
    ['an unknown version', base64Json([3, 1, 'h', null, 'u', PASSWORD]), /version 3/],
    ['a bad key type', base64Json([2, 16, 'h', null, 'u', PASSWORD]), /key type/],
    ['no host', base64Json([2, 1, '', null, 'u', PASSWORD]), /host/],
    ['three credentials', base64Json([2, 1, 'h', null, 'u', PASSWORD, PASSWORD]), /got 3 items/],
    ['no credentials', base64Json([2, 1, 'h', null]), /got 0 items/],
    ['a number as password', base64Json([2, 1, 'h', null, 'u', 42]), /password/],
    ['a bad ca_cert slot', base64Json([2, 1, 'h', 7, PASSWORD]), /ca_cert/],
    ['a bad compressed host', base64Json([2, 5, 'a.b.c', null, PASSWORD]), /compressed/],
    ['port 0', base64Json([2, 1, 'h:0', null, PASSWORD]), /port 0/],
  ];

  it.each(cases)('%s → CONN_APERTUREDB_KEY without the key or its secrets', (_name, key, why) => {
    const error = keyErrorOf(() => decodeApertureDBKey(key));
    expect(error.code).toBe('CONN_APERTUREDB_KEY');
    expect(error.field).toBe('APERTUREDB_KEY');
    expect(error.message).toMatch(why);
    const shown = `${error.message} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(PASSWORD);
    if (key.trim() !== '') expect(shown).not.toContain(key);
  });

  it('refuses to encode conflicting or missing credentials and bad ports', () => {
    expect(keyErrorOf(() => encodeApertureDBKey({ host: 'h' })).code).toBe('CONN_APERTUREDB_KEY');
    expect(
      keyErrorOf(() => encodeApertureDBKey({ host: 'h', token: 't', username: 'u', password: 'p' })).message,
    ).toMatch(/either a token or/);
    expect(keyErrorOf(() => encodeApertureDBKey({ host: 'h', username: 'u' })).message).toMatch(/both/);
    expect(keyErrorOf(() => encodeApertureDBKey({ host: 'h', token: 't', port: 70_000 })).message).toMatch(
      /port/,
    );
    expect(keyErrorOf(() => encodeApertureDBKey({ host: '', token: 't' })).message).toMatch(/host/);
  });
});
