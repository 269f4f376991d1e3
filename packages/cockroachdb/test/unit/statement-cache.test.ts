import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/options.js';
import { preparedNameOf, SessionStatementCache } from '../../src/statement-cache.js';
import { parseCockroachUrl } from '../../src/url.js';

describe('statementCache option', () => {
  it('defaults to 256, takes 0 to turn the cache off, and refuses negatives and fractions', () => {
    expect(resolveOptions({}).statementCache).toBe(256);
    expect(resolveOptions({ statementCache: 0 }).statementCache).toBe(0);
    expect(() => resolveOptions({ statementCache: -1 })).toThrow(ConfigError);
    expect(() => resolveOptions({ statementCache: 1.5 })).toThrow(ConfigError);
  });

  it('is read from the statement_cache URL parameter', () => {
    expect(parseCockroachUrl('postgresql://h/db?statement_cache=0').statementCache).toBe(0);
    expect(parseCockroachUrl('postgresql://h/db?statement_cache=32').statementCache).toBe(32);
    expect(() => parseCockroachUrl('postgresql://h/db?statement_cache=-1')).toThrow(ConfigError);
    expect(() => parseCockroachUrl('postgresql://h/db?statement_cache=x')).toThrow(ConfigError);
  });
});

describe('preparedNameOf', () => {
  it('gives a text the same name every time and another text another name', () => {
    const first = preparedNameOf({ text: 'SELECT $1::int /* unit a */', values: [1] });
    expect(preparedNameOf({ text: 'SELECT $1::int /* unit a */', values: [2] })).toBe(first);
    expect(preparedNameOf({ text: 'SELECT $1::int /* unit b */', values: [1] })).not.toBe(first);
  });

  it('names statements with parameters only', () => {
    expect(preparedNameOf({ text: 'SELECT $1::int /* unit c */', values: [1] })).toMatch(/^conn_\d+$/);
    expect(preparedNameOf({ text: 'SELECT 1 /* unit d */', values: [] })).toBeUndefined();
    expect(preparedNameOf({ text: 'BEGIN /* unit e */', values: [] })).toBeUndefined();
  });
});

describe('SessionStatementCache', () => {
  it('evicts the least recently used name past its capacity', () => {
    const cache = new SessionStatementCache(2);
    cache.add('a');
    cache.add('b');
    expect(cache.touch('a')).toBe(true);
    cache.add('c');
    expect(cache.takeOverflow()).toBe('b');
    expect(cache.takeOverflow()).toBeUndefined();
    expect(cache.touch('b')).toBe(false);
    expect(cache.has('a') && cache.has('c')).toBe(true);
  });

  it('forgets a deleted name', () => {
    const cache = new SessionStatementCache(4);
    cache.add('a');
    expect(cache.delete('a')).toBe(true);
    expect(cache.touch('a')).toBe(false);
    expect(cache.size).toBe(0);
  });
});
