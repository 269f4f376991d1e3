// ZTeraDBClient against the test server: the quickstart flow, the pool's min/max seen from the
// server, leases coming back after an early exit or a server error, and the typed failures.
import { ClientClosedError, ConfigError } from '@conn/core';
import { describe, expect, it, vi } from 'vitest';
import { ZTeraDBClient } from '../../src/client.js';
import { ZTeraDBAuthenticationError, ZTeraDBQueryError } from '../../src/errors.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { connectFrames, useZTeraDB } from '../support/harness.js';

interface User {
  id: number;
  email: string;
  status: boolean;
}

const { startServer, clientOf } = useZTeraDB();

describe('ZTeraDBClient', () => {
  it('runs the quickstart: select, count, insert, update, delete', async () => {
    const server = await startServer();
    await using client = ZTeraDBClient.fromUrl(server.url);

    const users = await client.run(ZTeraDBQuery<User>('user').select().sort('id')).toArray();
    expect(users.map((user) => user.email)).toEqual([
      'john.doe@example.com',
      'ann@example.com',
      'bob@example.org',
    ]);
    expect(await client.count(ZTeraDBQuery('user').count().filter({ status: true }))).toBe(2);

    const inserted = await client.insert(
      ZTeraDBQuery('user').insert().fields({ email: 'eve@example.com', status: false }),
    );
    expect(inserted.lastInsertId).toBeDefined();
    expect(
      await client.update(ZTeraDBQuery('user').update().fields({ status: true }).filter({ id: 2 })),
    ).toEqual({ isUpdated: true });
    expect(await client.delete(ZTeraDBQuery('user').delete().filter({ id: 3 }))).toEqual({ isDeleted: true });

    const rows = server.rows('DB1', 'user') ?? [];
    expect(rows.map((row) => row['email']).sort()).toEqual(
      ['ann@example.com', 'eve@example.com', 'john.doe@example.com'].sort(),
    );
    expect(rows.find((row) => row['id'] === 2)?.['status']).toBe(true);
    expect(await client.run(ZTeraDBQuery<User>('user').select().filter({ id: 1 })).first()).toMatchObject({
      email: 'john.doe@example.com',
    });
    // After a non-select the connection is reused (one connection served every call above but `first()`'s).
    expect(connectFrames(server)).toBeLessThanOrEqual(2);

    // Rows are read once: a second read is a typed error, not an empty result.
    const once = client.run(ZTeraDBQuery<User>('user').select());
    expect(await once.toArray()).toHaveLength(3);
    const again = await once.toArray().catch((error: unknown) => error);
    expect(again).toBeInstanceOf(ConfigError);
    expect((again as ConfigError).code).toBe('CONN_ZTERADB_ROWS_READ');
  });

  for (const [rows, connects, cancels, fate] of [
    [1_000, 1, 0, 'its short rest is read and dropped, and the connection is reused'],
    [50_000, 2, 1, 'the long rest is cancelled and the connection replaced'],
  ] as const) {
    it(`break after 10 of ${String(rows)} rows: ${fate}; the next query on the pool succeeds`, async () => {
      const big = Array.from({ length: rows }, (_, id) => ({ id, email: `u${id}@x.io`, status: true }));
      const server = await startServer({ databases: { DB1: { user: big } } });
      // One connection and a short wait: a lease that did not come back fails the second query.
      const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });

      const seen: unknown[] = [];
      for await (const row of client.run(ZTeraDBQuery<User>('user').select().sort('id'))) {
        seen.push(row.id);
        if (seen.length === 10) break;
      }
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await client.count(ZTeraDBQuery('user').count())).toBe(rows);
      expect(connectFrames(server)).toBe(connects);
      expect(server.receivedFrames.filter(({ frame }) => frame.request_type === 4)).toHaveLength(cancels);
    });
  }

  it('keeps at most max: 5 connections under 200 concurrent counts, and all succeed', async () => {
    const server = await startServer();
    const client = clientOf(server, { pool: { max: 5 } });
    let maxSeen = 0;
    const sample = () => {
      maxSeen = Math.max(maxSeen, server.connectionCount);
    };
    const counts = await Promise.all(
      Array.from({ length: 200 }, () =>
        client.count(ZTeraDBQuery('user').count()).then((count) => {
          sample();
          return count;
        }),
      ),
    );
    expect(counts).toEqual(Array.from({ length: 200 }, () => 3));
    console.info(`max server connections seen with max: 5 under 200 concurrent counts: ${maxSeen}`);
    expect(maxSeen).toBeLessThanOrEqual(5);
    expect(maxSeen).toBeGreaterThan(1);
    expect(connectFrames(server)).toBeLessThanOrEqual(5);
  });

  it('opens and keeps min: 2 connections', async () => {
    const server = await startServer();
    const client = clientOf(server, { pool: { min: 2, max: 4 } });
    await client.connect();
    await vi.waitFor(() => expect(server.connectionCount).toBe(2));
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(server.connectionCount).toBe(2);
    expect(connectFrames(server)).toBe(2);
  });

  it('turns a server error into a ZTeraDBQueryError; the next query works', async () => {
    const server = await startServer();
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    const bad = { sh: 'user', qt: 2, fc: [{ operator: '<>', operand: 'id', result: 1 }] } as never;
    const error = await client
      .run(bad)
      .toArray()
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toBeInstanceOf(ZTeraDBQueryError);
    expect(error).toMatchObject({ serverCode: 0x0100, serverMessage: expect.any(String) });
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
  });

  it('fails a wrong secret with ZTeraDBAuthenticationError at once, not at the deadline', async () => {
    const server = await startServer();
    // A deadline far beyond the test's own timeout: only a prompt refusal lets this test pass.
    const client = clientOf(server, { secretKey: 'wrong-secret', timeoutMs: 60_000 });
    const error = await client.count(ZTeraDBQuery('user').count()).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect(String((error as Error).message)).not.toContain('wrong-secret');
  });

  it('ping authenticates on a connection of its own and closes it; a wrong secret fails it at once', async () => {
    const server = await startServer();
    const client = clientOf(server);
    const pong = await client.ping();
    expect(pong).toMatchObject({ host: '127.0.0.1', port: server.port });
    expect(pong.latencyMs).toBeGreaterThanOrEqual(0);
    expect(connectFrames(server)).toBe(1);
    expect(client.stats().size).toBe(0);
    await server.waitForConnectionCount(0);

    const wrong = clientOf(server, { secretKey: 'wrong' });
    const error = await wrong.ping({ timeoutMs: 60_000 }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
  });

  it('rejects every call with ClientClosedError after close()', async () => {
    const server = await startServer();
    const client = clientOf(server);
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    await client.close();
    expect(client.isClosed).toBe(true);
    await expect(client.count(ZTeraDBQuery('user').count())).rejects.toBeInstanceOf(ClientClosedError);
    await expect(client.run(ZTeraDBQuery('user').select()).toArray()).rejects.toBeInstanceOf(
      ClientClosedError,
    );
    await expect(client.insert(ZTeraDBQuery('user').insert().fields({ email: 'x' }))).rejects.toBeInstanceOf(
      ClientClosedError,
    );
    await vi.waitFor(() => expect(server.connectionCount).toBe(0));
  });
});
