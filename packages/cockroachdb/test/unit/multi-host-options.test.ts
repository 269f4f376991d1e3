import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { CockroachDBClient, parseCockroachUrl } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';

describe('several nodes in a URL (libpq form)', () => {
  it('reads each host with its own port, the default port where none is given, and IPv6 in brackets', () => {
    const options = parseCockroachUrl('postgresql://app@h1:26258,h2,[::1]:26300,[fe80::2]/shop');
    expect(options.hosts).toEqual([
      { host: 'h1', port: 26258 },
      { host: 'h2' },
      { host: '::1', port: 26300 },
      { host: 'fe80::2' },
    ]);
    expect(options.host).toBeUndefined();
    expect(resolveOptions(options).hosts).toEqual([
      { host: 'h1', port: 26258 },
      { host: 'h2', port: 26257 },
      { host: '::1', port: 26300 },
      { host: 'fe80::2', port: 26257 },
    ]);
  });

  it('one host stays host and port, as before', () => {
    expect(parseCockroachUrl('postgresql://[::1]:26300/d')).toMatchObject({ host: '::1', port: 26300 });
    expect(parseCockroachUrl('postgresql://[::1]:26300/d').hosts).toBeUndefined();
  });

  it('?host= takes a comma list, and ?port= is the port of every node that names none', () => {
    const options = parseCockroachUrl('postgresql://ignored/d?host=a,b&port=26999');
    expect(resolveOptions(options).hosts).toEqual([
      { host: 'a', port: 26999 },
      { host: 'b', port: 26999 },
    ]);
  });

  it('reads target_session_attrs and checks it with the other options', () => {
    expect(parseCockroachUrl('postgresql://a,b/d?target_session_attrs=read-write').targetSessionAttrs).toBe(
      'read-write',
    );
    for (const value of ['any', 'read-write', 'read-only', 'primary', 'standby'] as const)
      expect(resolveOptions({ targetSessionAttrs: value }).targetSessionAttrs).toBe(value);
    expect(resolveOptions().targetSessionAttrs).toBe('any');
    for (const value of ['prefer-standby', 'readwrite', 5]) {
      expect(() => resolveOptions({ targetSessionAttrs: value as never }), String(value)).toThrow(
        expect.objectContaining({ code: 'CONN_CONFIG', field: 'targetSessionAttrs' }),
      );
    }
    expect(() => CockroachDBClient.fromUrl('postgresql://a,b/d?target_session_attrs=prefer-standby')).toThrow(
      /prefer-standby is not supported/,
    );
  });
});

describe('the hosts option', () => {
  it('names the bad field, before any I/O', () => {
    const cases: [object, string][] = [
      [{ hosts: [] }, 'hosts'],
      [{ hosts: 'a,b' }, 'hosts'],
      [{ host: 'a', hosts: [{ host: 'b' }] }, 'hosts'],
      [{ hosts: [{ host: 'a' }, { host: '' }] }, 'hosts[1].host'],
      [{ hosts: [{ host: 'a', port: 70_000 }] }, 'hosts[0].port'],
      [{ hosts: [null] }, 'hosts[0]'],
      [{ reconnect: { baseMs: 0 } }, 'reconnect.baseMs'],
      [{ reconnect: { baseMs: 500, maxMs: 100 } }, 'reconnect.maxMs'],
      [{ random: 0.5 }, 'random'],
    ];
    for (const [options, field] of cases) {
      expect(() => new CockroachDBClient(options as never), field).toThrow(
        expect.objectContaining({ field }),
      );
      expect(() => new CockroachDBClient(options as never)).toThrow(ConfigError);
    }
  });

  it('fromUrl: a host or hosts override replaces the URL nodes', () => {
    const one = CockroachDBClient.fromUrl('postgresql://a,b/d?sslmode=disable', { host: 'c' });
    expect(one.toJSON()).toMatchObject({ host: 'c', port: 26257 });
    const two = CockroachDBClient.fromUrl('postgresql://a/d?sslmode=disable', {
      hosts: [{ host: 'x' }, { host: 'y', port: 1 }],
    });
    expect(two.toJSON()).toMatchObject({ hosts: ['x:26257', 'y:1'] });
    expect(two.stats()).toMatchObject({ size: 0, max: 20, closed: false });
    expect(two.stats().hosts?.map((node) => `${node.host}:${node.port}`)).toEqual(['x:26257', 'y:1']);
  });
});
