// ApertureDBClient when a connection breaks mid-query (the test server's faults): a read is sent
// again and succeeds; a write whose fate is unknown is not sent again unless `retry: 'always'`
// says so, and its error says it may have executed.
import diagnostics from 'node:diagnostics_channel';
import { startFaultProxy } from '@conn/fault-proxy';
import { describe, expect, it } from 'vitest';
import type { ApertureDBClient } from '../../src/client.js';
import { type ConnError, ConnectionError } from '../../src/index.js';
import { resultOf } from '../../src/response.js';
import type { ApertureDBTestServer } from '../../src/testing/index.js';
import { harness, messagesWith } from '../support/client-harness.js';

const { startServer, clientOf, onCleanup } = harness();

const addItem = [{ AddEntity: { class: 'Item', properties: { name: 'one' } } }] as const;
const findItems = [{ FindEntity: { with_class: 'Item', results: { count: true } } }] as const;

/** A server and a client whose session exists, so that the next fault hits the query itself. */
async function connected(): Promise<{ server: ApertureDBTestServer; client: ApertureDBClient }> {
  const server = await startServer();
  const client = clientOf(server, { retryIntervalMs: 10, pool: { max: 2 } });
  await client.connect();
  return { server, client };
}

async function itemCount(client: ApertureDBClient): Promise<number> {
  const { response } = await client.query(findItems);
  return resultOf(response, 0)?.count as number;
}

const failureOf = (promise: Promise<unknown>): Promise<ConnError> =>
  promise.then(
    () => {
      throw new Error('expected the query to fail');
    },
    (error: unknown) => error as ConnError,
  );

describe('ApertureDBClient reliability (the connection dies mid-query)', () => {
  it('a read whose answer was lost after it ran is sent again and succeeds', async () => {
    const { server, client } = await connected();
    await client.query(addItem);
    server.fault({ kind: 'drop-after-execute', times: 1 });
    const { response } = await client.query(findItems);
    expect(resultOf(response, 0)?.count).toBe(1);
    expect(messagesWith(server, 'FindEntity')).toBe(2);
  });

  it("a read with retry: 'never' is not sent again", async () => {
    const { server, client } = await connected();
    server.fault({ kind: 'drop-after-execute', times: 1 });
    const error = await failureOf(client.query(findItems, [], { retry: 'never' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(messagesWith(server, 'FindEntity')).toBe(1);
  });

  it('a write that ran but whose answer was lost is not sent again; its error says it may have executed', async () => {
    const { server, client } = await connected();
    server.fault({ kind: 'drop-after-execute', times: 1 });
    const error = await failureOf(client.query(addItem));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details['mayHaveExecuted']).toBe(true);
    expect(error.retryable).toBe(false);
    expect(messagesWith(server, 'AddEntity')).toBe(1);
    expect(await itemCount(client)).toBe(1);
  });

  it('a write dropped unexecuted looks the same from the client: not sent again in safe mode', async () => {
    const { server, client } = await connected();
    server.fault({ kind: 'drop-request', times: 1 });
    const error = await failureOf(client.query(addItem));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details['mayHaveExecuted']).toBe(true);
    expect(error.retryable).toBe(false);
    expect(messagesWith(server, 'AddEntity')).toBe(1);
    expect(await itemCount(client)).toBe(0);
  });

  it("with retry: 'always' a dropped write is sent again and succeeds", async () => {
    const { server, client } = await connected();
    server.fault({ kind: 'drop-request', times: 1 });
    await client.query(addItem, [], { retry: 'always' });
    expect(messagesWith(server, 'AddEntity')).toBe(2);
    expect(await itemCount(client)).toBe(1);
  });

  it('after a restart that closed every socket (and the client saw it), a write runs once on a new connection', async () => {
    const { server, client } = await connected();
    const destroyed = new Promise<void>((resolve) => {
      const onDestroy = (): void => {
        diagnostics.unsubscribe('conn:aperturedb:pool:destroy', onDestroy);
        resolve();
      };
      diagnostics.subscribe('conn:aperturedb:pool:destroy', onDestroy);
    });
    server.restart({ closeConnections: true });
    await destroyed;
    await client.query(addItem);
    // Sent twice: the restart forgot the session, so the first was refused unrun ("Not Authenticated!").
    expect(messagesWith(server, 'AddEntity')).toBe(2);
    expect(server.database.sessions.stats()).toMatchObject({ authenticateCalls: 2, rejectedChecks: 1 });
    expect(await itemCount(client)).toBe(1);
  });
});

describe('ApertureDBClient reliability (a network reset, through the loopback fault proxy)', () => {
  /** A client whose connections go through a fault proxy, its session made, the next request held by the server. */
  async function heldBehindProxy() {
    const server = await startServer();
    const proxy = await startFaultProxy({ target: { host: server.host, port: server.port } });
    onCleanup(() => proxy.close());
    const client = clientOf(server, { port: proxy.port, retryIntervalMs: 10, pool: { max: 1 } });
    await client.connect();
    server.fault({ kind: 'stall', times: 1 });
    return { server, proxy, client };
  }

  it('a read reset mid-query is sent again on a new connection and succeeds; no socket is left', async () => {
    const { server, proxy, client } = await heldBehindProxy();
    const pending = client.query(findItems);
    await server.waitForRequestCount(server.requestCount + 1);
    proxy.resetAll();
    const { response } = await pending;
    expect(resultOf(response, 0)?.count).toBe(0);
    expect(messagesWith(server, 'FindEntity')).toBe(2);
    await client.close();
    await server.waitForConnectionCount(0);
  });

  it('a write reset mid-query is not sent again and says it may have executed; the pool recovers', async () => {
    const { server, proxy, client } = await heldBehindProxy();
    const pending = failureOf(client.query(addItem));
    await server.waitForRequestCount(server.requestCount + 1);
    proxy.resetAll();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details['mayHaveExecuted']).toBe(true);
    expect(messagesWith(server, 'AddEntity')).toBe(1);
    // The held request never ran (its socket is gone), and the next query works.
    expect(await itemCount(client)).toBe(0);
  });
});
