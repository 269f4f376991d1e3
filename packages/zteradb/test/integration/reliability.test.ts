// ZTeraDBClient through the loopback fault proxy and the test server's faults: a connection reset
// mid-stream, a stalled network, a server restart behind the same address, a dropped answer and a
// malformed frame. Each ends with a typed error, no socket left behind, and a pool that recovers.
import { ConnectionError, ProtocolError, TimeoutError } from '@conn/core';
import { type FaultProxy, startFaultProxy } from '@conn/fault-proxy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZTeraDBClient } from '../../src/client.js';
import type { ZTeraDBClientOptions } from '../../src/options.js';
import { RequestType } from '../../src/protocol/index.js';
import {
  startZTeraDBTestServer,
  type ZTeraDBTestDatabases,
  type ZTeraDBTestServer,
} from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

type Item = { id: number; name: string };

const servers: ZTeraDBTestServer[] = [];
const proxies: FaultProxy[] = [];
const clients: ZTeraDBClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const items = (count: number): Item[] => Array.from({ length: count }, (_, id) => ({ id, name: `n${id}` }));

async function startServer(databases: ZTeraDBTestDatabases = { DB1: { item: items(100) } }) {
  const server = await startZTeraDBTestServer({ databases, keys: [TEST_KEY] });
  servers.push(server);
  return server;
}

async function proxyTo(server: ZTeraDBTestServer): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: { host: server.host, port: server.port } });
  proxies.push(proxy);
  return proxy;
}

/** A client of `server` whose every connection goes through `proxy`. */
function clientVia(
  server: ZTeraDBTestServer,
  proxy: FaultProxy,
  overrides: Partial<ZTeraDBClientOptions> = {},
): ZTeraDBClient {
  const client = ZTeraDBClient.fromUrl(server.url, {
    port: proxy.port,
    pool: { max: 1, acquireTimeoutMs: 2_000 },
    ...overrides,
  });
  clients.push(client);
  return client;
}

const connectFrames = (server: ZTeraDBTestServer) =>
  server.receivedFrames.filter(({ frame }) => frame.request_type === RequestType.CONNECT).length;

/** The error a loop over `rows` ends with, and the ids seen before it; `onRow` runs after each row. */
async function loopUntilError(rows: AsyncIterable<Item>, onRow: (seen: number) => void = () => undefined) {
  const ids: number[] = [];
  try {
    for await (const row of rows) {
      ids.push(row.id);
      onRow(ids.length);
    }
  } catch (error) {
    return { ids, error };
  }
  return { ids, error: undefined as unknown };
}

describe('ZTeraDBClient reliability (through the loopback fault proxy)', () => {
  it('a connection reset mid-stream ends the loop with ConnectionError within the deadline; no socket left; the pool recovers', async () => {
    const server = await startServer({ DB1: { item: items(1_000) } });
    const proxy = await proxyTo(server);
    const client = clientVia(server, proxy);
    // 10 ms between rows: the answer would take 10 s, so the reset always lands mid-stream.
    server.fault({ kind: 'slow-rows', delayMs: 10, times: 1 });

    const { ids, error } = await loopUntilError(
      client.run(ZTeraDBQuery<Item>('item').select(), { timeoutMs: 10_000 }),
      (seen) => {
        if (seen === 3) proxy.resetAll();
      },
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(ids.slice(0, 3)).toEqual([0, 1, 2]);
    expect(ids.length).toBeLessThan(1_000);

    await server.waitForConnectionCount(0);
    await vi.waitFor(() => expect(proxy.connectionCount).toBe(0));
    expect(client.stats().leased).toBe(0);
    server.clearFaults();
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(1_000);
    expect(connectFrames(server)).toBe(2);
    expect(server.connectionCount).toBe(1);
  });

  it('a stalled network with timeoutMs 300 is a TimeoutError; once it flows again the pool recovers', async () => {
    const server = await startServer();
    const proxy = await proxyTo(server);
    const client = clientVia(server, proxy);
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(100);

    proxy.setMode({ kind: 'stall' });
    const error = await client
      .run(ZTeraDBQuery<Item>('item').select(), { timeoutMs: 300 })
      .toArray()
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(client.stats().leased).toBe(0);

    proxy.setMode({ kind: 'pass' });
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(100);
    // The timed-out connection was not lent again: a second one served the last select.
    expect(connectFrames(server)).toBe(2);
    await server.waitForConnectionCount(1);
    expect(client.stats().leased).toBe(0);
  });

  it('a server restart behind the same address: idle pooled connections are dropped and replaced; queries succeed', async () => {
    const first = await startServer();
    const proxy = await proxyTo(first);
    const client = clientVia(first, proxy, { pool: { min: 2, max: 2, acquireTimeoutMs: 2_000 } });
    await client.connect();
    await first.waitForConnectionCount(2);

    const second = await startServer();
    proxy.retarget({ host: second.host, port: second.port });
    await first.close();

    // The pool sees its idle sockets close and opens `min` new ones, which reach the new server.
    await second.waitForConnectionCount(2);
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(100);
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(100);
    expect(second.queryCount).toBe(2);
    expect(connectFrames(second)).toBe(2);
    expect(client.stats()).toMatchObject({ size: 2, leased: 0 });
  });

  it('an answer cut off after 2 frames (drop-after-frames) is a ConnectionError; the pool recovers', async () => {
    const server = await startServer();
    const proxy = await proxyTo(server);
    const client = clientVia(server, proxy);
    server.fault({ kind: 'drop-after-frames', frames: 2, times: 1 });

    const { ids, error } = await loopUntilError(client.run(ZTeraDBQuery<Item>('item').select()));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(ids).toEqual([0, 1]);

    await server.waitForConnectionCount(0);
    expect(client.stats().leased).toBe(0);
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(100);
    expect(connectFrames(server)).toBe(2);
  });

  it('a malformed frame is a ProtocolError (CONN_ZTERADB_MALFORMED_FRAME); the connection is replaced', async () => {
    const server = await startServer();
    const proxy = await proxyTo(server);
    const client = clientVia(server, proxy);
    server.fault({ kind: 'malformed', times: 1 });

    const { ids, error } = await loopUntilError(client.run(ZTeraDBQuery<Item>('item').select()));
    expect(ids).toEqual([]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('CONN_ZTERADB_MALFORMED_FRAME');

    // The server keeps its socket open after a malformed frame: the client must close it.
    await server.waitForConnectionCount(0);
    expect(client.stats().leased).toBe(0);
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(100);
    expect(connectFrames(server)).toBe(2);
    expect(server.connectionCount).toBe(1);
  });
});
