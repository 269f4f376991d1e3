import { describe, expect, it } from 'vitest';
import { optionsFromUrl } from '../../src/options.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { authenticatedClient, countEntities, RawApertureDBClient } from '../support/raw-aperturedb-client.js';

const FIND_COUNT = [{ FindEntity: { results: { count: true } } }];

describe('ApertureDB test server: frames, records, counters', () => {
  it('gives a cleartext URL the client reads back', async () => {
    await using server = await startApertureDBTestServer();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`aperturedb://admin:admin@127.0.0.1:${server.port}?useSsl=false`);
    expect(optionsFromUrl(server.url)).toMatchObject({
      host: '127.0.0.1',
      port: server.port,
      user: 'admin',
      useSsl: false,
    });
  });

  it('answers several pipelined requests one at a time, in order', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    for (const name of ['a', 'b', 'c']) {
      client.send({ json: JSON.stringify([{ AddEntity: { class: 'Item', properties: { name } } }]), token });
    }
    client.send({
      json: JSON.stringify([{ FindEntity: { with_class: 'Item', results: { list: ['name'] } } }]),
      token,
    });
    for (let index = 0; index < 3; index += 1) {
      expect(JSON.parse((await client.next()).json)).toEqual([{ AddEntity: { status: 0 } }]);
    }
    const found = JSON.parse((await client.next()).json) as [
      { FindEntity: { entities: { name: string }[] } },
    ];
    expect(found[0].FindEntity.entities.map((entity) => entity.name).sort()).toEqual(['a', 'b', 'c']);
    client.destroy();
  });

  it('records every decoded request: connection, JSON, blob sizes, token', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    const blobQuery = JSON.stringify([{ AddBlob: {} }]);
    client.send({ json: blobQuery, token, blobs: [new Uint8Array(3), new Uint8Array(0)] });
    await client.next();
    expect(server.receivedMessages).toEqual([
      {
        connection: 1,
        json: JSON.stringify([{ Authenticate: { username: 'admin', password: 'admin' } }]),
        blobSizes: [],
        token: undefined,
      },
      { connection: 1, json: blobQuery, blobSizes: [3, 0], token },
    ]);
    expect(server.requestCount).toBe(2);
    client.destroy();
  });

  it('closes the connection without a reply when a frame announces more than maxMessageBytes', async () => {
    await using server = await startApertureDBTestServer({ maxMessageBytes: 64 });
    const client = await RawApertureDBClient.open(server.port, 'tcp');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(65, 0);
    client.sendBytes(header);
    await client.closed;
    expect(client.pendingBytes).toBe(0);
    expect(server.requestCount).toBe(0);
    // A message at the limit is still served.
    const next = await RawApertureDBClient.open(server.port, 'tcp');
    const json = JSON.stringify([{ GetStatus: {} }]).padEnd(62, ' ');
    next.send({ json });
    await next.next();
    expect(server.requestCount).toBe(1);
    next.destroy();
  });

  it('closes the connection on a frame that is not a queryMessage', async () => {
    await using server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.open(server.port, 'tcp');
    client.sendBytes(Buffer.from('03000000' + '0a0541', 'hex'));
    await client.closed;
    expect(client.pendingBytes).toBe(0);
  });

  it('waits for connection and request counts from the server events', async () => {
    await using server = await startApertureDBTestServer();
    const open = server.waitForConnectionCount(2);
    const requests = server.waitForRequestCount(1);
    const first = await RawApertureDBClient.open(server.port, 'tcp');
    const second = await RawApertureDBClient.connect(server.port);
    await open;
    expect(server.connectionCount).toBe(2);
    first.send({ json: JSON.stringify(FIND_COUNT) });
    await requests;
    first.destroy();
    second.destroy();
    await server.waitForConnectionCount(0);
    expect(server.acceptedCount).toBe(2);
    const aborted = new AbortController();
    const never = server.waitForRequestCount(99, { signal: aborted.signal });
    aborted.abort(new Error('stop'));
    await expect(never).rejects.toMatchObject({ name: 'AbortError' });
    const closing = server.waitForRequestCount(99);
    await server.close();
    await expect(closing).rejects.toMatchObject({ code: 'CONN_CONNECTION_CLOSED' });
  });

  it('restart() forgets every session: the old token gets Not Authenticated!, data stays', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    await client.query([{ AddEntity: { class: 'Kept' } }], token);
    server.restart();
    expect(await client.query(FIND_COUNT, token)).toEqual({ info: 'Not Authenticated!', status: -1 });
    expect(server.connectionCount).toBe(1);
    expect(await countEntities(server.port, 'Kept')).toBe(1);
    client.destroy();
  });

  it('restart({ closeConnections: true }) also closes every open connection', async () => {
    await using server = await startApertureDBTestServer();
    const { client, token } = await authenticatedClient(server.port);
    server.restart({ closeConnections: true });
    await client.closed;
    await server.waitForConnectionCount(0);
    const again = await RawApertureDBClient.open(server.port, 'tcp');
    expect(await again.query(FIND_COUNT, token)).toEqual({ info: 'Not Authenticated!', status: -1 });
    again.destroy();
  });

  it('close() is idempotent and ends open connections', async () => {
    const server = await startApertureDBTestServer();
    const client = await RawApertureDBClient.open(server.port, 'tcp');
    await Promise.all([server.close(), server.close()]);
    await client.closed;
    await server[Symbol.asyncDispose]();
    await expect(RawApertureDBClient.connect(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
