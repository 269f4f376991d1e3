import { inspect } from 'node:util';
import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { optionsFromUrl, resolveClientOptions } from '../../src/options.js';

const base = { username: 'iris', password: 'siri', dbname: 'dbtest', hostlist: [{ host: '127.0.0.1' }] };

describe('client options', () => {
  it('fills the Python connector defaults, and the contract default deadline of 60 s', () => {
    const resolved = resolveClientOptions(base);
    expect(resolved).toMatchObject({
      hostlist: [{ host: '127.0.0.1', port: 9000 }],
      keepaliveIntervalMs: 45_000,
      pingTimeoutMs: 15_000,
      connectTimeoutMs: 10_000,
      timeoutMs: 60_000,
      queryTimeoutMs: undefined,
      insertTimeoutMs: undefined,
      inactiveTimeMs: 30_000,
      maxWaitRetryMs: 90_000,
      poolErrorRetryMs: 2_000,
      int64: 'auto',
    });
    expect(resolved.password.reveal()).toBe('siri');
    expect(inspect(resolved)).not.toContain("'siri'");
  });

  it('timeoutMs: Infinity means no default deadline', () => {
    expect(resolveClientOptions({ ...base, timeoutMs: Number.POSITIVE_INFINITY }).timeoutMs).toBeUndefined();
  });

  it('keepalive: false turns the ping off', () => {
    expect(resolveClientOptions({ ...base, keepalive: false }).keepaliveIntervalMs).toBe(0);
  });

  it.each([
    [{ username: '' }, 'username'],
    [{ dbname: 5 }, 'dbname'],
    [{ password: 12 }, 'password'],
    [{ hostlist: [] }, 'hostlist'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ maxWaitRetryMs: -1 }, 'maxWaitRetryMs'],
    [{ int64: 'big' }, 'int64'],
    [{ keepalive: 'yes' }, 'keepalive'],
  ])('rejects %j naming %s', (patch, field) => {
    expect(() => resolveClientOptions({ ...base, ...patch } as never)).toThrow(
      expect.objectContaining({ field }),
    );
  });
});

describe('optionsFromUrl', () => {
  it('reads several hosts, weights, backups and options', () => {
    const options = optionsFromUrl(
      'siridb://iris:s%40cret@db1:9000,db2:9001,dr/dbtest?weights=3,1,1&backups=dr:9000&timeoutMs=5000&keepalive=false&int64=bigint',
    );
    expect(options.username).toBe('iris');
    expect(String(options.password)).toBe('[redacted]');
    expect(options.dbname).toBe('dbtest');
    expect(options.hostlist).toEqual([
      { host: 'db1', port: 9000, weight: 3, backup: false },
      { host: 'db2', port: 9001, weight: 1, backup: false },
      { host: 'dr', port: 9000, weight: 1, backup: true },
    ]);
    expect(options.timeoutMs).toBe(5000);
    expect(options.keepalive).toBe(false);
    expect(options.int64).toBe('bigint');
    expect((options.password as { reveal(): string }).reveal()).toBe('s@cret');
  });

  it.each([
    ['siridb://u:p@h/db?unknown=1', 'unknown URL parameter'],
    ['siridb://u:p@h1,h2/db?weights=1', 'one weight per host'],
    ['siridb://u:p@h/db?backups=other', 'unknown hosts'],
    ['siridb://u:p@h/db?timeoutMs=abc', 'timeoutMs'],
    ['siridb://u:p@h/db?keepalive=maybe', 'keepalive'],
  ])('rejects %s', (url, words) => {
    expect(() => optionsFromUrl(url)).toThrow(ConfigError);
    expect(() => optionsFromUrl(url)).toThrow(words);
  });

  it('never shows the password in its errors', () => {
    expect(() => optionsFromUrl('siridb://u:TopSecret@h/db?nope=1')).toThrow(/u:\[redacted\]@h/);
  });
});
