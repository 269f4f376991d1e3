import { ConfigError } from '@conn/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer;

beforeEach(async () => {
  env = await startClientAndServer();
});

afterEach(async () => {
  await env.close();
});

const HOSTILE_STRINGS: readonly string[] = [
  "it's",
  "''; DROP TABLE x; --",
  'a -- not a comment',
  'a /* not a comment */ b',
  '/* unterminated',
  'C:\\path\\to\\file',
  'trailing backslash \\',
  "\\' backslash then quote",
  '?',
  ':name $1',
  'naïve café — 日本語 🎉',
  '\n\t\r',
  '',
];

describe('E6DataClient: parameters bound client-side come back exactly', () => {
  for (const value of HOSTILE_STRINGS) {
    it(`round-trips ${JSON.stringify(value)}`, async () => {
      const { rows } = await env.client.query('SELECT ? AS v', [value]);
      expect(rows).toEqual([{ v: value }]);
    });
  }

  it('binds several kinds at once, named and positional', async () => {
    const { rows } = await env.client.query(
      'SELECT :s AS s, :n AS n, :b AS b, :bytes AS bytes, :nothing AS nothing',
      {
        s: "O'Brien -- /* */",
        n: 9007199254740993n,
        b: true,
        bytes: new Uint8Array([0, 255, 16]),
        nothing: null,
      },
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.s).toBe("O'Brien -- /* */");
    expect(row.n).toBe(9007199254740993n);
    expect(row.b).toBe(true);
    expect([...(row.bytes as Uint8Array)]).toEqual([0, 255, 16]);
    expect(row.nothing).toBeNull();
  });

  it('refuses a string with a backslash when no stringEscape is set, before anything is sent', async () => {
    const client = env.newClient({ params: {} });
    const callsBefore = env.server.calls.length;
    const error = await rejectionOf(client.query('SELECT ? AS v', ['a\\b']));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONN_E6DATA_PARAMS');
    // The value itself never appears in the message.
    expect((error as Error).message).not.toContain('a\\b');
    expect(env.server.calls.length).toBe(callsBefore);
  });
});
