import { AbortError, AuthorizationError, type ConnError, ConnectionError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InsertError,
  qpackFloat,
  SiriDBAuthenticationError,
  SiriDBClient,
  type SiriDBClientOptions,
  SiriDBPoolError,
  SiriDBQueryError,
  UserAuthError,
} from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const servers: SiriDBTestServer[] = [];
const clients: SiriDBClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startSiriDBTestServer>[0] = {}): Promise<SiriDBTestServer> {
  const started = await startSiriDBTestServer(options);
  servers.push(started);
  return started;
}

function client(options: Partial<SiriDBClientOptions> & Pick<SiriDBClientOptions, 'hostlist'>): SiriDBClient {
  const created = new SiriDBClient({ username: 'iris', password: 'siri', dbname: 'dbtest', ...options });
  clients.push(created);
  return created;
}

function on(target: SiriDBTestServer, extra: object = {}) {
  return { host: target.host, port: target.port, ...extra };
}

describe('SiriDBClient against the local test server', () => {
  it('connect() resolves when one host is ready; failed hosts keep reconnecting', async () => {
    const up = await server();
    const down = await server();
    const downPort = down.port;
    await down.close();
    servers.splice(servers.indexOf(down), 1);
    const db = client({ hostlist: [on(up), { host: '127.0.0.1', port: downPort }] });
    await db.connect();
    expect(db.hosts[0]).toMatchObject({ connected: true });
    expect(db.hosts[1]?.lastError).toBeInstanceOf(ConnectionError);
    expect(db.hosts[1]).toMatchObject({ connected: false, reconnecting: true });
  });

  it('connect() rejects when no host can be reached, naming every host', async () => {
    const down = await server();
    const port = down.port;
    await down.close();
    servers.splice(servers.indexOf(down), 1);
    const db = client({ hostlist: [{ host: '127.0.0.1', port }] });
    const error = await db.connect({ timeoutMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e as ConnError,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error?.code).toBe('CONN_SIRIDB_NO_CONNECTION');
    expect(error?.message).toContain(`127.0.0.1:${port}`);
    expect(error?.cause).toBeInstanceOf(ConnectionError);
  });

  it('connect() with a wrong password rejects at once with the authentication error', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], password: 'wrong' });
    // Had it waited for the deadline, it would be a TimeoutError (with the refusal as cause).
    const error = await db.connect({ timeoutMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e as ConnError,
    );
    expect(error).toBeInstanceOf(SiriDBAuthenticationError);
    expect(error?.code).toBe('CONN_SIRIDB_AUTH_FAILED');
    expect(error?.message).not.toContain('wrong');
  });

  it('an unknown database is CONN_SIRIDB_UNKNOWN_DATABASE', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], dbname: 'nope' });
    const error = await db.connect().then(
      () => undefined,
      (e: unknown) => e as ConnError,
    );
    expect(error?.code).toBe('CONN_SIRIDB_UNKNOWN_DATABASE');
  });

  it('inserts the map and array forms, then selects, lists and counts', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    const first = await db.insert({
      'cpu.load': [
        [1_700_000_000_000, 0.5],
        [1_700_000_001_000, 0.75],
      ],
    });
    expect(first).toEqual({ message: 'Successfully inserted 2 point(s).', seriesCount: 1, pointCount: 2 });
    await db.insert([{ name: 'log.msg', points: [[1_700_000_000_000, 'started']] }]);
    expect(await db.query('select * from "cpu.load"')).toEqual({
      'cpu.load': [
        [1_700_000_000_000, 0.5],
        [1_700_000_001_000, 0.75],
      ],
    });
    const listed = await db.query('list series name, length, type');
    expect(listed['columns']).toEqual(['name', 'length', 'type']);
    expect(listed['series']).toEqual(
      expect.arrayContaining([
        ['cpu.load', 2, 'float'],
        ['log.msg', 1, 'string'],
      ]),
    );
    expect(await db.query('count series')).toEqual({ series: 2 });
    expect(target.pointCount()).toBe(3);
  });

  it('a float that looks integral is sent as a double with qpackFloat', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.insert({ temp: [[1, qpackFloat(22)]] });
    const listed = await db.query('list series name, type');
    expect(listed['series']).toEqual([['temp', 'float']]);
  });

  it('server errors keep their type and message: query 65, insert 66, access 69', async () => {
    const target = await server({
      databases: [
        {
          name: 'dbtest',
          users: [
            { username: 'iris', password: 'siri' },
            { username: 'reader', password: 'pw', access: 'read' },
          ],
        },
      ],
    });
    const db = client({ hostlist: [on(target)] });
    const queryError = await db.query('select nonsense').catch((error: unknown) => error);
    expect(queryError).toBeInstanceOf(SiriDBQueryError);
    expect(queryError).toMatchObject({ siridbType: 65, code: 'CONN_SIRIDB_QUERY' });
    expect((queryError as SiriDBQueryError).serverMessage).toMatch(/^Query error at position/);

    await db.insert({ s: [[1, 5]] });
    const reader = client({ hostlist: [on(target)], username: 'reader', password: 'pw' });
    const denied = await reader.insert({ s: [[2, 6]] }).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(UserAuthError);
    expect(denied).toBeInstanceOf(AuthorizationError);
    expect((denied as UserAuthError).serverMessage).toBe(
      "Access denied. User 'reader' has no 'insert' privileges.",
    );
  });

  it('rejects invalid points before sending anything', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.connect();
    const before = target.requestCounts['insert'] ?? 0;
    await expect(db.insert({ s: [[1.5, 1]] })).rejects.toBeInstanceOf(InsertError);
    expect(target.requestCounts['insert'] ?? 0).toBe(before);
  });

  it('converts time precision exactly on the client; the server mode shows the server bug', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.insert({ t: [[1_700_000_000_123, 1]] });
    expect(await db.query('select * from "t"', { timePrecision: 's' })).toEqual({ t: [[1_700_000_000, 1]] });
    expect(await db.query('select * from "t"', { timePrecision: 'ns' })).toEqual({
      t: [[1_700_000_000_123_000_000n, 1]],
    });
    expect(await db.query('select * from "t"', { timePrecision: 's', precisionMode: 'server' })).toEqual({
      t: [[1_700_000_080, 1]],
    });
    expect(await db.query('select * from "t"')).toEqual({ t: [[1_700_000_000_123, 1]] });
  });

  it('ping() answers with the host and a latency', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    const pong = await db.ping();
    expect(pong).toMatchObject({ host: '127.0.0.1', port: target.port });
    expect(pong.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('timeoutMs and signal end a request the server never answers', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.connect();
    target.fault({ kind: 'stall', requests: 'query' });
    const timedOut = await db.query('count series', { timeoutMs: 50 }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect((timedOut as TimeoutError).code).toBe('CONN_TIMEOUT');
    const controller = new AbortController();
    const aborted = db.query('count series', { signal: controller.signal });
    controller.abort(new Error('user cancelled'));
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
  });

  it('hosts counts the requests in flight on each host', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    expect(db.hosts[0]).toMatchObject({ connected: false, reconnecting: false, pendingRequests: 0 });
    await db.connect();
    target.fault({ kind: 'stall', requests: 'query' });
    const controller = new AbortController();
    const pending = [1, 2].map(() => db.query('count series', { signal: controller.signal }));
    await target.waitForRequestCount('query', 2);
    expect(db.hosts[0]).toMatchObject({ connected: true, pendingRequests: 2 });
    controller.abort();
    await Promise.allSettled(pending);
    await vi.waitFor(() => expect(db.hosts[0]?.pendingRequests).toBe(0), { interval: 5 });
  });

  it('close() ends the client; later calls fail with CONN_CLIENT_CLOSED', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.ping();
    await db.close();
    expect(db.isClosed).toBe(true);
    await expect(db.query('count series')).rejects.toMatchObject({ code: 'CONN_CLIENT_CLOSED' });
    await target.waitForConnectionCount(0);
    expect(target.connectionCount).toBe(0);
  });

  it('await using closes the client', async () => {
    const target = await server();
    {
      await using db = new SiriDBClient({
        username: 'iris',
        password: 'siri',
        dbname: 'dbtest',
        hostlist: [on(target)],
      });
      await db.ping();
      expect(target.connectionCount).toBe(1);
    }
    // The server sees the close after the client's socket ended.
    await target.waitForConnectionCount(0);
    expect(target.connectionCount).toBe(0);
  });

  it("fromUrl accepts the test server's url and urlFor() as they are", async () => {
    const target = await server({
      databases: [
        { name: 'dbtest' },
        { name: 'other db', users: [{ username: 'reader', password: 'p@ss:w/rd', access: 'read' }] },
      ],
    });
    const db = SiriDBClient.fromUrl(target.url);
    clients.push(db);
    await db.insert({ s: [[1, 1]] });
    expect(await db.query('count series')).toEqual({ series: 1 });
    const reader = SiriDBClient.fromUrl(target.urlFor('other db'));
    clients.push(reader);
    expect(await reader.query('count series')).toEqual({ series: 0 });
    // the reader's rights prove the URL carried that user, not the default one
    await expect(reader.insert({ s: [[1, 1]] })).rejects.toBeInstanceOf(UserAuthError);
  });

  it('a pool error (68) is retried every poolErrorRetryMs until it clears', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], poolErrorRetryMs: 20 });
    await db.connect();
    target.fault({ kind: 'pool-error', requests: 'insert', times: 2 });
    await expect(db.insert({ s: [[1, 1]] })).resolves.toMatchObject({ pointCount: 1 });
    expect(target.requestCounts['insert']).toBe(3);
  });

  it('a pool error that outlasts the deadline ends in a TimeoutError whose cause is the SiriDBPoolError', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], poolErrorRetryMs: 20 });
    await db.connect();
    target.fault({ kind: 'pool-error', requests: 'query' });
    const error = (await db.query('count series', { timeoutMs: 150 }).catch((e: unknown) => e)) as ConnError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('last failure');
    expect(error.cause).toBeInstanceOf(SiriDBPoolError);
    expect(error.cause).toMatchObject({ code: 'CONN_SIRIDB_POOL', serverCode: 68, siridbType: 68 });
    expect(target.requestCounts['query']).toBeGreaterThan(2);
  });

  it('the first query attempt may use a connected host that sits out; inserts may not', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], inactiveTimeMs: 60_000 });
    await db.connect();
    target.fault({ kind: 'server-error', requests: 'all', times: 1 });
    // The server error marks the only host inactive; the insert then has no active host left
    // and waits until its deadline.
    await expect(db.insert({ s: [[1, 1]] }, { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    expect(db.hosts[0]).toMatchObject({ inactive: true, connected: true });
    expect(await db.query('count series')).toEqual({ series: 0 });
  });

  it('every reconnect authenticates before anything else', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)], maxWaitRetryMs: 1_000 });
    await db.query('count series');
    target.dropConnections();
    await target.waitForConnectionCount(0);
    // The lost connection is replaced at once, and the new one authenticates first: a query sent
    // before auth would be answered 71 and fail.
    expect(await db.query('count series', { timeoutMs: 5_000 })).toEqual({ series: 0 });
    expect(target.requestCounts['auth']).toBe(2);
  });

  it('an insert whose answer is cut off is not re-sent: the caller is told it may have been stored', async () => {
    const target = await server();
    const db = client({ hostlist: [on(target)] });
    await db.connect();
    target.fault({ kind: 'drop-mid-response', requests: 'insert', times: 1 });
    const error = await db.insert({ s: [[1, 1]] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ retryable: false });
    expect(target.requestCounts['insert']).toBe(1);
    expect(target.pointCount()).toBe(1);
  });
});
