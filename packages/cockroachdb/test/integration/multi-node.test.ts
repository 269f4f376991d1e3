// Several CockroachDB nodes: test servers in front of the one test PostgreSQL play the nodes of a
// cluster. Connections spread over them, a node that refuses is skipped and tried again after its
// back-off, and target_session_attrs picks the nodes whose sessions qualify.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:net';
import { seededRandom } from '@conn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CockroachDBClient,
  type CockroachDBOptions,
  ConnectionError,
  TimeoutError,
  type Transaction,
} from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase } from '../support/database.js';
import { startDownNode, startReadOnlyNode } from './relay-nodes.js';

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** The test servers' URL with every port as one node: `postgresql://…@127.0.0.1:p1,127.0.0.1:p2/db`. */
function clusterUrl(template: string, ports: readonly number[]): string {
  return template.replace(/@127\.0\.0\.1:\d+\//, `@${ports.map((port) => `127.0.0.1:${port}`).join(',')}/`);
}

/** Sessions each server has open now. */
function openSessions(servers: readonly CockroachDBTestServer[]): number[] {
  return servers.map((server) => server.sessions.filter((session) => session.open).length);
}

/** Records the payloads published on `conn:cockroachdb:<event>` until disposed. */
function recordEvents(event: string): { readonly payloads: Record<string, unknown>[] } & Disposable {
  const payloads: Record<string, unknown>[] = [];
  const name = `conn:cockroachdb:${event}`;
  const listener = (message: unknown): void => {
    payloads.push(message as Record<string, unknown>);
  };
  subscribe(name, listener);
  return { payloads, [Symbol.dispose]: () => unsubscribe(name, listener) };
}

describe.skipIf(testDatabase.skipReason !== undefined)('several CockroachDB nodes', () => {
  let nodes: CockroachDBTestServer[] = [];
  let template = '';

  beforeAll(async () => {
    nodes = await Promise.all([0, 1, 2].map(() => startCockroachDBTestServer({ upstream: databaseUrl() })));
    template = (nodes[0] as CockroachDBTestServer).url;
  });
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
  });

  function client(ports: readonly number[], options: CockroachDBOptions = {}): CockroachDBClient {
    return CockroachDBClient.fromUrl(clusterUrl(template, ports), options);
  }

  /** Opens `count` transactions at once (each holds a session of its own) and where they landed. */
  async function spread(seed: number, count: number): Promise<number[]> {
    await using db = client(
      nodes.map((node) => node.port),
      { random: seededRandom(seed), pool: { max: 10 } },
    );
    const before = openSessions(nodes);
    const transactions: Transaction[] = await Promise.all(
      Array.from({ length: count }, () => db.transaction()),
    );
    const landed = openSessions(nodes).map((open, index) => open - (before[index] ?? 0));
    await Promise.all(transactions.map((tx) => tx.rollback()));
    return landed;
  }

  it('parses the libpq multi-host URL and spreads sessions over the nodes, repeatably with a seeded random', async () => {
    const first = await spread(7, 9);
    expect(first.reduce((sum, count) => sum + count, 0)).toBe(9);
    // Every node got some (none more than half): chosen at random, not the first node every time.
    for (const count of first) expect(count).toBeGreaterThan(0);
    for (const count of first) expect(count).toBeLessThan(5);
    // The same seed chooses the same nodes in the same order.
    expect(await spread(7, 9)).toEqual(first);
  });

  it('skips a node that refuses connections, and says so in stats and events', async () => {
    const refusing = await freePort();
    const [a, b] = nodes as [CockroachDBTestServer, CockroachDBTestServer];
    using failures = recordEvents('host:connect-error');
    // A long back-off: the refusing node stays out for the whole test.
    await using db = client([a.port, refusing, b.port], { reconnect: { baseMs: 60_000 } });
    await db.connect();
    const rows = await Promise.all(
      Array.from({ length: 40 }, (_, i) => db.queryOne<{ i: number }>('SELECT $1::int AS i', [i])),
    );
    expect(rows.map((row) => row?.i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const refused = db.stats().hosts?.find((node) => node.port === refusing);
    expect(refused?.lastError).toBeInstanceOf(ConnectionError);
    expect(refused?.backoffMs).toBeGreaterThan(0);
    expect(refused?.pool.size).toBe(0);
    expect(failures.payloads).toContainEqual(
      expect.objectContaining({ host: '127.0.0.1', port: refusing, backoffMs: expect.any(Number) }),
    );
  });

  it('connect() names every node and its failure when none answers; a call waits out its deadline naming them', async () => {
    const ports = [await freePort(), await freePort()];
    await using db = client(ports, { reconnect: { baseMs: 60_000 } });
    const error = await db.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    for (const port of ports) expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    const timeout = await db.query('SELECT 1', [], { timeoutMs: 200 }).catch((caught: unknown) => caught);
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(String((timeout as Error).message)).toContain(`127.0.0.1:${ports[0]}`);
  });

  it('uses a node again once its back-off is over and it answers', async () => {
    const [a, b] = nodes as [CockroachDBTestServer, CockroachDBTestServer];
    await using down = await startDownNode(b.port);
    using connects = recordEvents('host:connect');
    await using db = client([a.port, down.port], {
      pool: { max: 1 },
      reconnect: { baseMs: 50, maxMs: 100 },
    });
    await db.connect(); // the second node cuts the connection: it backs off
    expect(db.stats().hosts?.[1]?.lastError).toBeInstanceOf(ConnectionError);
    down.up();
    // The first node's only session is taken, so the next transaction needs the second node.
    const held = await db.transaction();
    const next = await db.transaction({ timeoutMs: 10_000 });
    expect(down.sessions()).toBe(1);
    expect(connects.payloads).toContainEqual(expect.objectContaining({ port: down.port }));
    expect(db.stats().hosts?.[1]).toMatchObject({ lastError: undefined, pool: { size: 1 } });
    await Promise.all([held.rollback(), next.rollback()]);
  });

  describe('target_session_attrs', () => {
    it('read-write skips a node whose sessions are read-only; read-only picks only that node', async () => {
      const [a, b] = nodes as [CockroachDBTestServer, CockroachDBTestServer];
      await using readOnly = await startReadOnlyNode(a.port);
      const ports = [readOnly.port, b.port];
      await using writer = client(ports, {
        targetSessionAttrs: 'read-write',
        reconnect: { baseMs: 60_000 },
        pool: { max: 10 },
      });
      await writer.connect();
      const modes = await Promise.all(
        Array.from({ length: 8 }, () =>
          writer.runInTransaction((tx) =>
            tx.queryOne<{ transaction_read_only: string }>('SHOW transaction_read_only'),
          ),
        ),
      );
      expect(modes.map((row) => row?.transaction_read_only)).toEqual(Array(8).fill('off'));
      expect(readOnly.sessions()).toBeGreaterThan(0);
      const skipped = writer.stats().hosts?.[0];
      expect(skipped?.pool.size).toBe(0);
      expect(skipped?.lastError).toMatchObject({
        code: 'CONN_COCKROACHDB_SESSION_ATTRS',
        retryable: true,
        message: expect.stringContaining('read-only'),
      });

      await using reader = CockroachDBClient.fromUrl(
        `${clusterUrl(template, ports)}&target_session_attrs=read-only`,
        { reconnect: { baseMs: 60_000 } },
      );
      await reader.connect();
      expect(await reader.query('SHOW transaction_read_only')).toEqual([{ transaction_read_only: 'on' }]);
      expect(reader.stats().hosts?.[1]?.lastError?.message).toContain('accept writes');
    });

    it('no node fits: connect() names each one; with one node the call fails at once', async () => {
      const a = nodes[0] as CockroachDBTestServer;
      await using readOnly = await startReadOnlyNode(a.port);
      await using other = await startReadOnlyNode(a.port);
      await using both = client([readOnly.port, other.port], { targetSessionAttrs: 'read-write' });
      const error = await both.connect().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(`127.0.0.1:${readOnly.port}`);
      expect((error as Error).message).toContain(`127.0.0.1:${other.port}`);
      expect((error as Error).message).toContain('target_session_attrs=read-write');

      await using single = client([readOnly.port], { targetSessionAttrs: 'read-write' });
      await expect(single.query('SELECT 1')).rejects.toMatchObject({
        code: 'CONN_COCKROACHDB_SESSION_ATTRS',
      });
    });

    it('primary accepts CockroachDB nodes and a PostgreSQL primary; standby refuses both', async () => {
      const a = nodes[0] as CockroachDBTestServer;
      for (const url of [a.url, databaseUrl()]) {
        await using primary = CockroachDBClient.fromUrl(url, { targetSessionAttrs: 'primary' });
        expect(await primary.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
        await using standby = CockroachDBClient.fromUrl(url, { targetSessionAttrs: 'standby' });
        await expect(standby.connect()).rejects.toMatchObject({
          code: 'CONN_COCKROACHDB_SESSION_ATTRS',
          message: expect.stringContaining('not a hot standby'),
        });
      }
    });
  });
});
