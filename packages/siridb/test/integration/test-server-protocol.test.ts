// The test server's wire behaviour, driven over raw sockets (docs/protocols/siridb.md §2, §3, §5).
import { afterEach, describe, expect, it } from 'vitest';
import { encodePackage, HEADER_SIZE, SERVER_MAX_PACKAGE_BYTES } from '../../src/protocol/package.js';
import { encodeQpack } from '../../src/protocol/qpack.js';
import { createSiriDBStore, type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { RawClient } from '../../src/testing/raw-client.js';

const servers: SiriDBTestServer[] = [];
const clients: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startSiriDBTestServer>[0] = {}): Promise<SiriDBTestServer> {
  const server = await startSiriDBTestServer(options);
  servers.push(server);
  return server;
}

async function connect(server: SiriDBTestServer, auth = true): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  clients.push(client);
  if (auth) expect(await client.auth()).toBe(2);
  return client;
}

describe('test server: framing', () => {
  it('answers with an 8-byte little-endian header, the request pid and the check byte', async () => {
    const server = await start();
    const client = await connect(server, false);
    const answer = await client.request(3, undefined);
    expect(answer.bytes.length).toBe(HEADER_SIZE);
    expect(answer.bytes.readUInt32LE(0)).toBe(0);
    expect(answer.bytes.readUInt16LE(4)).toBe(answer.pid);
    expect(answer.bytes[6]).toBe(3);
    expect(answer.bytes[7]).toBe(3 ^ 0xff);
    // pids 0 and 65535 are echoed as they are
    expect((await client.next(client.send(3, undefined, 0))).pid).toBe(0);
    expect((await client.next(client.send(3, undefined, 65_535))).pid).toBe(65_535);
  });

  it('starts query, insert and error answers with an open map that is never closed', async () => {
    const server = await start();
    const client = await connect(server);
    const count = await client.request(0, ['count series', null]);
    expect([...count.payload]).toEqual([0xfd, 0x86, ...Buffer.from('series'), 0x00]);
    const insert = await client.request(1, { s: [[1, 1]] });
    expect(insert.payload[0]).toBe(0xfd);
    expect(insert.payload[insert.payload.length - 1]).not.toBe(0xff);
    const error = await client.request(0, ['select foo', null]);
    expect(error.type).toBe(65);
    expect(error.payload[0]).toBe(0xfd);
    expect(error.payload.includes(0xff)).toBe(false);
    // nested point arrays are open arrays that are closed
    const points = await client.request(0, ["select * from 's'", null]);
    expect([...points.payload]).toEqual([0xfd, 0x81, 0x73, 0xfc, 0xef, 0x01, 0x01, 0xfe]);
  });

  it('closes the connection on a bad check byte', async () => {
    const server = await start();
    const client = await connect(server, false);
    const bytes = encodePackage(1, 3);
    bytes[7] = 0x00;
    client.write(bytes);
    await client.closed;
    expect(client.pending).toEqual([]);
  });

  it('closes the connection on a package larger than 40 MiB (as soon as the header is in)', async () => {
    const server = await start();
    const client = await connect(server);
    const header = Buffer.alloc(HEADER_SIZE);
    header.writeUInt32LE(SERVER_MAX_PACKAGE_BYTES + 1, 0);
    header.writeUInt16LE(7, 4);
    header[6] = 0;
    header[7] = 0xff;
    client.write(header);
    await client.closed;
    expect(client.pending).toEqual([]);
  });

  it('cuts packages split anywhere and packages sent back to back', async () => {
    const server = await start();
    const client = await connect(server);
    const query = encodePackage(10, 0, encodeQpack(['count series', null]));
    const ping = encodePackage(11, 3);
    const all = Buffer.concat([query, ping, query]);
    for (let at = 0; at < all.length; at += 3) client.write(all.subarray(at, at + 3));
    const answers = [await client.next(), await client.next(), await client.next()];
    expect(answers.map((answer) => answer.pid).sort()).toEqual([10, 10, 11]);
  });
});

describe('test server: requests that get no answer', () => {
  it('ignores unknown and legacy request types (a following ping is answered)', async () => {
    const server = await start();
    const client = await connect(server);
    client.send(20, undefined, 1);
    client.send(4, undefined, 2);
    client.send(5, undefined, 3);
    client.send(3, undefined, 4);
    const next = await client.next();
    expect(next.pid).toBe(4);
    expect(next.type).toBe(3);
    expect(server.requestCounts.other).toBe(3);
  });

  it('ignores malformed query and auth payloads', async () => {
    const server = await start();
    const client = await connect(server);
    client.send(0, 'count series', 1); // a bare string, not an array
    client.send(0, [5, null], 2); // the query is not a string
    client.send(0, Buffer.from([0xe4]), 3); // not even qpack
    client.send(2, { user: 'iris' }, 4); // auth as a map
    client.send(2, ['iris', 'siri'], 5); // auth without a database
    client.send(0, ['count series', null], 6);
    const next = await client.next();
    expect(next.pid).toBe(6);
    expect(next.type).toBe(0);
    expect(client.pending).toEqual([]);
  });
});

describe('test server: authentication', () => {
  it('answers a ping before authentication', async () => {
    const server = await start();
    const client = await connect(server, false);
    const answer = await client.request(3, undefined);
    expect(answer.type).toBe(3);
    expect(answer.payload.length).toBe(0);
  });

  it('answers queries and inserts before authentication with 71 (empty payload)', async () => {
    const server = await start();
    const client = await connect(server, false);
    const query = await client.request(0, ['count series', null]);
    expect(query.type).toBe(71);
    expect(query.payload.length).toBe(0);
    const insert = await client.request(1, { s: [[1, 1]] });
    expect(insert.type).toBe(71);
  });

  it('checks the database before the credentials: 73, then 72', async () => {
    const server = await start();
    const client = await connect(server, false);
    expect(await client.auth('nobody', 'wrong', 'nodb')).toBe(73);
    expect(await client.auth('iris', 'wrong', 'dbtest')).toBe(72);
    expect(await client.auth('sa', 'siri', 'dbtest')).toBe(72);
    // a failed attempt leaves the connection unauthenticated
    expect((await client.query('count series')).type).toBe(71);
  });

  it('authenticates per connection; re-authentication switches database and user', async () => {
    const server = await start({
      databases: [
        { name: 'dbtest' },
        {
          name: 'other',
          timePrecision: 's',
          users: [{ username: 'bob', password: 'bobpw', access: 'read' }],
        },
      ],
    });
    const client = await connect(server, false);
    const answer = await client.request(2, ['iris', 'siri', 'dbtest']);
    expect(answer.type).toBe(2);
    expect(answer.payload.length).toBe(0);
    const second = await connect(server, false);
    expect((await second.query('count series')).type).toBe(71);
    expect(await client.auth('bob', 'bobpw', 'other')).toBe(2);
    expect((await client.query('show dbname, who_am_i, time_precision')).data).toEqual({
      data: [
        { name: 'dbname', value: 'other' },
        { name: 'who_am_i', value: 'bob' },
        { name: 'time_precision', value: 's' },
      ],
    });
  });
});

describe('test server: multiplexing', () => {
  it('answers pipelined requests with their own pids; a ping overtakes a query sent before it', async () => {
    const server = await start();
    const client = await connect(server);
    client.write(
      Buffer.concat([
        encodePackage(100, 0, encodeQpack(['count series', null])),
        encodePackage(101, 3),
        encodePackage(102, 0, encodeQpack(['now', null])),
      ]),
    );
    const order = [await client.next(), await client.next(), await client.next()].map((answer) => answer.pid);
    // the server answers pings at once and runs queries asynchronously, in order
    expect(order).toEqual([101, 100, 102]);
  });

  it('keeps connections apart', async () => {
    const server = await start();
    const a = await connect(server);
    const b = await connect(server);
    const [first, second] = await Promise.all([a.query('count series'), b.query('count series')]);
    expect(first.data).toEqual({ series: 0 });
    expect(second.data).toEqual({ series: 0 });
  });
});

describe('test server: handle', () => {
  it('listens on 127.0.0.1 and builds URLs', async () => {
    const server = await start({
      databases: [{ name: 'dbtest' }, { name: 'other', users: [{ username: 'u s', password: 'p@ss' }] }],
    });
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`siridb://iris:siri@127.0.0.1:${server.port}/dbtest`);
    expect(server.urlFor('other')).toBe(`siridb://u%20s:p%40ss@127.0.0.1:${server.port}/other`);
    expect(server.urlFor('dbtest', { username: 'x', password: 'y' })).toBe(
      `siridb://x:y@127.0.0.1:${server.port}/dbtest`,
    );
  });

  it('counts connections and requests', async () => {
    const server = await start();
    expect(server.connectionCount).toBe(0);
    const client = await connect(server);
    await server.waitForConnectionCount(1);
    await client.query('count series');
    await client.request(3, undefined);
    await client.service('sa', 'siri', 64);
    expect(server.requestCounts).toEqual({ query: 1, insert: 0, auth: 1, ping: 1, service: 1, other: 0 });
    await client.close();
    await server.waitForConnectionCount(0);
    expect(server.connectionCount).toBe(0);
  });

  it('dropConnections() closes every client socket and keeps listening', async () => {
    const server = await start();
    const a = await connect(server);
    const b = await connect(server);
    server.dropConnections();
    await Promise.all([a.closed, b.closed]);
    await server.waitForConnectionCount(0);
    const c = await connect(server);
    expect((await c.query('count series')).data).toEqual({ series: 0 });
  });

  it('close() is idempotent, closes the listener and keeps port and url readable', async () => {
    const server = await startSiriDBTestServer();
    const raw = await RawClient.connect(server.port);
    const url = server.url;
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    await raw.closed;
    expect(server.url).toBe(url);
    await expect(RawClient.connect(server.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('close() closes the sockets and the listener; await using works too', async () => {
    const client = await (async () => {
      await using server = await startSiriDBTestServer();
      const raw = await RawClient.connect(server.port);
      expect(await raw.auth()).toBe(2);
      return raw;
    })();
    await client.closed;
  });

  it('restarts on the same port over the same store', async () => {
    const store = createSiriDBStore();
    const first = await start({ store, databases: [{ name: 'dbtest', timePrecision: 's' }] });
    const port = first.port;
    const client = await connect(first);
    expect((await client.insert({ kept: [[1_700_000_000, 1]] })).type).toBe(1);
    expect((await client.query("create user 'kate' set password 'katepw'")).type).toBe(0);
    expect((await client.query("grant read to user 'kate'")).type).toBe(0);
    expect((await client.service('sa', 'siri', 0, { account: 'ops', password: 'opspw' })).type).toBe(32);
    await first.close();
    await client.closed;
    expect(store.pointCount('dbtest')).toBe(1);
    const second = await start({ store, port });
    expect(second.port).toBe(port);
    expect(second.pointCount()).toBe(1);
    const again = await RawClient.connect(port);
    clients.push(again);
    expect(await again.auth('kate', 'katepw', 'dbtest')).toBe(2);
    expect((await again.query("select * from 'kept'")).data).toEqual({ kept: [[1_700_000_000, 1]] });
    expect((await again.service('ops', 'opspw', 65)).data).toEqual(['sa', 'ops']);
    expect(store.databaseNames).toEqual(['dbtest']);
  });
});
