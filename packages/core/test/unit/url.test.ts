import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConnectionUrl, redactUrl, Secret } from '../../src/index.js';

const schemes = ['siridb'];

describe('parseConnectionUrl', () => {
  it('parses user, password, several hosts, path and parameters', () => {
    const url = parseConnectionUrl(
      'siridb://iris:siri@db1:9000,db2,[::1]:9001/dbtest?timeoutMs=5000&keepalive=true',
      {
        schemes,
      },
    );
    expect(url.scheme).toBe('siridb');
    expect(url.username).toBe('iris');
    expect(url.password?.reveal()).toBe('siri');
    expect(url.hosts).toEqual([
      { host: 'db1', port: 9000 },
      { host: 'db2', port: undefined },
      { host: '::1', port: 9001 },
    ]);
    expect(url.path).toBe('dbtest');
    expect(url.params.get('timeoutMs')).toBe('5000');
    expect(url.params.get('keepalive')).toBe('true');
  });

  it('decodes percent-encoded special characters in the password and user', () => {
    const url = parseConnectionUrl('siridb://us%3Aer:p%40ss%2Fw%3Ard%23%3F%25@h/db', { schemes });
    expect(url.username).toBe('us:er');
    expect(url.password?.reveal()).toBe('p@ss/w:rd#?%');
  });

  it('accepts an unencoded @ in the password (the last @ ends the user info)', () => {
    const url = parseConnectionUrl('siridb://iris:p@ss@h:9000/db', { schemes });
    expect(url.password?.reveal()).toBe('p@ss');
    expect(url.hosts).toEqual([{ host: 'h', port: 9000 }]);
  });

  it('keeps repeated parameters in paramsAll; the last wins in params', () => {
    const url = parseConnectionUrl('siridb://h/db?host=a&host=b&flag', { schemes });
    expect(url.paramsAll.get('host')).toEqual(['a', 'b']);
    expect(url.params.get('host')).toBe('b');
    expect(url.params.get('flag')).toBe('');
  });

  it('accepts a Secret holding the URL', () => {
    expect(parseConnectionUrl(new Secret('siridb://h/db'), { schemes }).path).toBe('db');
  });

  it('never renders the password: String, JSON, inspect, object spread', () => {
    const url = parseConnectionUrl('siridb://iris:TopSecret1@h/db?password=AlsoSecret', { schemes });
    for (const rendering of [
      String(url),
      JSON.stringify(url),
      inspect(url, { depth: 5, showHidden: true }),
    ]) {
      expect(rendering).not.toContain('TopSecret1');
      expect(rendering).not.toContain('AlsoSecret');
    }
    expect(String(url)).toBe('siridb://iris:[redacted]@h/db?password=[redacted]');
    expect(Object.keys(url)).not.toContain('password');
  });

  it.each([
    ['http://h/db', 'scheme'],
    ['siridb:/h', 'scheme'],
    ['siridb://h:0/db', 'port'],
    ['siridb://h:99999/db', 'port'],
    ['siridb://h:abc/db', 'port'],
    ['siridb://h1,,h2/db', 'empty'],
    ['siridb://[::1/db', 'IPv6'],
    ['siridb://u:%E0%A4%A@h/db', 'percent'],
  ])('rejects %s with a ConfigError (field url) mentioning %s', (text, word) => {
    let caught: unknown;
    try {
      parseConnectionUrl(text, { schemes });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe('url');
    expect((caught as Error).message).toContain(word);
  });

  it('error messages show the URL redacted', () => {
    expect(() => parseConnectionUrl('siridb://iris:Sup3rS3cret@h:bad/db', { schemes })).toThrow(
      /siridb:\/\/iris:\[redacted\]@h:bad\/db/,
    );
    try {
      parseConnectionUrl('siridb://iris:Sup3rS3cret@h:bad/db', { schemes });
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain('Sup3rS3cret');
      expect(inspect(error)).not.toContain('Sup3rS3cret');
    }
  });
});

describe('redactUrl', () => {
  it.each([
    [
      'postgres://u:pw@h:26257/db?sslmode=verify-full',
      'postgres://u:[redacted]@h:26257/db?sslmode=verify-full',
    ],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    [
      'x://h/db?sslkey=/k.pem&api_key=abc&token=t',
      'x://h/db?sslkey=[redacted]&api_key=[redacted]&token=[redacted]',
    ],
    ['x://u:p@ss@h/db', 'x://u:[redacted]@h/db'],
  ])('%s -> %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});
