// The CockroachDB test server's handle: the shape every `@conn/<db>/testing` server has (url, host,
// port, fault, clearFaults, close), its options and its checks of what a test gives it.
import { connect } from 'node:net';
import { ConfigError, Secret } from '@conn/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { CockroachDBClient } from '../../src/index.js';
import {
  type CockroachDBFault,
  type CockroachDBTestServer,
  startCockroachDBTestServer,
} from '../../src/testing/index.js';
import { databaseUrl, testDatabase } from '../support/database.js';

const servers: CockroachDBTestServer[] = [];
const clients: pg.Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => {})));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(upstream: Parameters<typeof startCockroachDBTestServer>[0]['upstream']) {
  const server = await startCockroachDBTestServer({ upstream });
  servers.push(server);
  return server;
}

/** Resolves with true when a TCP connection to `port` on 127.0.0.1 is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('CockroachDB test server: handle and options', () => {
  it('url carries the upstream credentials, percent-encoded, on 127.0.0.1 with TLS off', async () => {
    const server = await start(
      'postgresql://app%20user:p%40ss%3Aw%2Frd@db.invalid:6543/my%20db?sslmode=prefer&application_name=x',
    );
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(
      `postgresql://app%20user:p%40ss%3Aw%2Frd@127.0.0.1:${server.port}/my%20db?sslmode=disable`,
    );
    const parsed = new URL(server.url);
    expect(decodeURIComponent(parsed.username)).toBe('app user');
    expect(decodeURIComponent(parsed.password)).toBe('p@ss:w/rd');
    expect(decodeURIComponent(parsed.pathname.slice(1))).toBe('my db');
  });

  it('takes the upstream as parts: the database defaults to the user, the password may be a Secret', async () => {
    const withSecret = await start({
      host: '127.0.0.1',
      port: 6543,
      user: 'u',
      password: new Secret('s3cr#t'),
    });
    expect(withSecret.url).toBe(`postgresql://u:s3cr%23t@127.0.0.1:${withSecret.port}/u?sslmode=disable`);
    const trusted = await start({ host: '127.0.0.1', user: 'u', database: 'd' });
    expect(trusted.url).toBe(`postgresql://u@127.0.0.1:${trusted.port}/d?sslmode=disable`);
  });

  it('refuses an upstream it cannot use with a ConfigError that does not show the password', async () => {
    const refused = [
      'postgresql://u:topsecret@db.invalid/d?sslmode=verify-full',
      'postgresql://db.invalid/d',
      'postgresql://u:topsecret@a.invalid,b.invalid/d',
      'mysql://u:topsecret@db.invalid/d',
      { host: '', user: 'u' },
      { host: '127.0.0.1', port: 0, user: 'u' },
      { host: '127.0.0.1', user: '' },
    ];
    for (const upstream of refused) {
      const error = await startCockroachDBTestServer({ upstream }).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(upstream)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toMatch(/^upstream/);
      expect((error as ConfigError).message).not.toContain('topsecret');
    }
  });

  it('fault() refuses a fault that could never apply, naming the field', async () => {
    const server = await start({ host: '127.0.0.1', user: 'u' });
    const bad: [unknown, string][] = [
      [{ kind: 'explode', match: 'COMMIT' }, 'fault.kind'],
      [{ kind: 'error', match: 'COMMIT', sqlstate: '4001' }, 'fault.sqlstate'],
      [{ kind: 'error', match: 42, sqlstate: '40001' }, 'fault.match'],
      [{ kind: 'kill-connection', match: 'COMMIT', phase: 'during' }, 'fault.phase'],
      [{ kind: 'kill-connection', match: 'COMMIT', phase: 'after', times: 0 }, 'fault.times'],
    ];
    for (const [fault, field] of bad) {
      expect(() => server.fault(fault as CockroachDBFault), JSON.stringify(fault)).toThrow(
        expect.objectContaining({ name: 'ConfigError', field }),
      );
    }
  });

  it('close() is idempotent and stops listening', async () => {
    const server = await startCockroachDBTestServer({ upstream: { host: '127.0.0.1', user: 'u' } });
    expect(await accepts(server.port)).toBe(true);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect(await accepts(server.port)).toBe(false);
  });
});

describe.skipIf(testDatabase.skipReason !== undefined)('CockroachDB test server: url and faults', () => {
  async function session(server: CockroachDBTestServer): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => {});
    clients.push(client);
    await client.connect();
    return client;
  }

  it('CockroachDBClient.fromUrl(server.url) works as it is, through the server', async () => {
    const server = await start(databaseUrl());
    await using db = CockroachDBClient.fromUrl(server.url);
    expect(await db.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
    expect(server.statements()).toContain('SELECT 41 + 1 AS answer');
    expect(server.sessions.length).toBeGreaterThan(0);
  });

  it('a fault hits `times` statements (default 1); clearFaults() removes the ones left', async () => {
    const server = await start(databaseUrl());
    const client = await session(server);
    server.fault({ kind: 'error', match: 'SELECT 1', sqlstate: 'XX123' });
    server.fault({ kind: 'error', match: /^SELECT 2/, sqlstate: 'XX234', message: 'twice', times: 2 });
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: 'XX123' });
    expect((await client.query('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await expect(client.query('SELECT 2')).rejects.toMatchObject({ code: 'XX234', message: 'twice' });
    await expect(client.query('SELECT 2')).rejects.toMatchObject({ code: 'XX234' });
    expect((await client.query('SELECT 2 AS n')).rows).toEqual([{ n: 2 }]);

    server.fault({ kind: 'error', match: 'SELECT 3', sqlstate: 'XX345', times: 5 });
    server.fault({ kind: 'kill-connection', match: 'SELECT 3', phase: 'before' });
    server.clearFaults();
    expect((await client.query('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
  });

  it('close() ends the sessions and their PostgreSQL backends', async () => {
    const server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    const client = await session(server);
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    const backendPid = server.sessions[0]?.backendPid;
    expect(backendPid).toBeGreaterThan(0);
    await server.close();
    await ended;
    expect(server.sessions[0]?.open).toBe(false);
    const direct = new pg.Client({ connectionString: databaseUrl() });
    clients.push(direct);
    await direct.connect();
    await expect
      .poll(
        async () =>
          (await direct.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [backendPid]))
            .rows[0].n,
      )
      .toBe(0);
  });
});
