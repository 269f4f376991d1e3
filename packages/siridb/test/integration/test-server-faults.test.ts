// Fault injection on the test server, over raw sockets.
import { ConfigError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePackage, HEADER_SIZE } from '../../src/protocol/package.js';
import { encodeQpack } from '../../src/protocol/qpack.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { RawClient } from '../../src/testing/raw-client.js';

const servers: SiriDBTestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(): Promise<SiriDBTestServer> {
  const server = await startSiriDBTestServer();
  servers.push(server);
  return server;
}

async function connect(server: SiriDBTestServer): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  clients.push(client);
  expect(await client.auth()).toBe(2);
  return client;
}

/**
 * Waits until everything the server wrote before answering `other`'s ping has been read by this
 * process: the server handles packages written earlier on another socket in the same or an earlier
 * turn of the event loop, and its answers are read in the poll phase, before the next check phase.
 */
async function settle(other: RawClient): Promise<void> {
  expect((await other.request(3, undefined)).type).toBe(3);
  await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('test server: fault injection', () => {
  it("'server-error' answers 67 with the backup-mode message (queries and inserts)", async () => {
    const server = await start();
    const client = await connect(server);
    server.fault({ kind: 'server-error' });
    const query = await client.query('count series');
    expect(query.type).toBe(67);
    expect(query.data).toEqual({
      error_msg: "Server '127.0.0.1:9010' is not accepting the request because of having status: 9",
    });
    expect((await client.insert({ s: [[1, 1]] })).type).toBe(67);
    // auth, ping and service requests are never hit
    expect(await client.auth()).toBe(2);
    expect((await client.request(3, undefined)).type).toBe(3);
    expect((await client.service('sa', 'siri', 64)).type).toBe(33);
    server.clearFaults();
    expect((await client.query('count series')).data).toEqual({ series: 0 });
  });

  it("'pool-error' answers 68; requests and times select what is hit", async () => {
    const server = await start();
    const client = await connect(server);
    server.fault({ kind: 'pool-error', requests: 'insert', times: 1 });
    expect((await client.query('count series')).type).toBe(0);
    const insert = await client.insert({ s: [[1, 1]] });
    expect(insert.type).toBe(68);
    expect(insert.data).toEqual({
      error_msg: 'At least one pool has no server available to process the request',
    });
    expect((await client.insert({ s: [[1, 1]] })).type).toBe(1);
    server.fault({ kind: 'server-error', requests: 'query', times: 2, message: 'custom' });
    expect((await client.query('count series')).data).toEqual({ error_msg: 'custom' });
    expect((await client.query('count series')).type).toBe(67);
    expect((await client.query('count series')).data).toEqual({ series: 1 });
  });

  it("'stall' swallows the request and holds the connection until clearFaults()", async () => {
    const server = await start();
    const stalled = await connect(server);
    const other = await connect(server);
    server.fault({ kind: 'stall', requests: 'query', times: 1 });
    const swallowed = 41;
    const held = 42;
    stalled.write(
      Buffer.concat([
        encodePackage(swallowed, 0, encodeQpack(['count series', null])),
        encodePackage(held, 3),
      ]),
    );
    await settle(other);
    // the other connection is served; the stalled one gets nothing, not even the ping
    expect((await other.query('count series')).data).toEqual({ series: 0 });
    expect(stalled.pending).toEqual([]);
    expect(server.requestCounts.ping).toBe(2);
    server.clearFaults();
    const ping = await stalled.next();
    expect(ping.pid).toBe(held);
    expect(ping.type).toBe(3);
    expect((await stalled.query('count series')).data).toEqual({ series: 0 });
    expect(stalled.pending.map((pkg) => pkg.pid)).not.toContain(swallowed);
    expect(stalled.socket.destroyed).toBe(false);
  });

  it("'drop-mid-response' writes part of the answer, then closes the connection", async () => {
    const server = await start();
    const client = await connect(server);
    server.fault({ kind: 'drop-mid-response', requests: 'query', times: 1 });
    const pid = client.send(0, ['show', null]);
    await client.closed;
    expect(client.pending).toEqual([]);
    const received = Buffer.concat(client.raw);
    const auth = HEADER_SIZE; // the auth answer came first
    const partial = received.subarray(auth);
    expect(partial.length).toBeGreaterThan(HEADER_SIZE);
    expect(partial.readUInt16LE(4)).toBe(pid);
    expect(partial[6]).toBe(0);
    expect(partial.length - HEADER_SIZE).toBeLessThan(partial.readUInt32LE(0));
    // one time only: a new connection is answered normally
    const again = await connect(server);
    expect((await again.query('count series')).data).toEqual({ series: 0 });
  });

  it("'drop-mid-response' on an insert stores the points before the connection goes", async () => {
    const server = await start();
    const client = await connect(server);
    server.fault({ kind: 'drop-mid-response', requests: 'insert' });
    client.send(1, { s: [[1, 1]] });
    await client.closed;
    expect(client.pending).toEqual([]);
    expect(server.pointCount('dbtest', 's')).toBe(1);
  });

  it('rejects unknown faults with a ConfigError', async () => {
    const server = await start();
    expect(() => server.fault({ kind: 'explode' as 'stall' })).toThrow(ConfigError);
    expect(() => server.fault({ kind: 'stall', times: 0 })).toThrow(ConfigError);
  });
});
