import { ConnectionError, seededRandom, TimeoutError } from '@conn/core';
import { type FaultProxy, startFaultProxy } from '@conn/fault-proxy';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SiriDBClient, type SiriDBClientOptions } from '../../src/index.js';
import { createSiriDBStore, type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { recordChannel } from '../support/events.js';

const servers: SiriDBTestServer[] = [];
const proxies: FaultProxy[] = [];
const clients: SiriDBClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startSiriDBTestServer>[0] = {}): Promise<SiriDBTestServer> {
  const started = await startSiriDBTestServer(options);
  servers.push(started);
  return started;
}

async function proxyTo(target: SiriDBTestServer): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: { host: target.host, port: target.port } });
  proxies.push(proxy);
  return proxy;
}

function client(options: Partial<SiriDBClientOptions> & Pick<SiriDBClientOptions, 'hostlist'>): SiriDBClient {
  const created = new SiriDBClient({ username: 'iris', password: 'siri', dbname: 'dbtest', ...options });
  clients.push(created);
  return created;
}

const forPort = (port: number) => (message: { port?: number }) => message.port === port;

describe('reliability (through the loopback fault proxy)', () => {
  it('server killed mid-request: in-flight requests fail, the client reconnects with back-off, later requests succeed', async () => {
    const target = await server();
    const proxy = await proxyTo(target);
    using failures = recordChannel<{ port: number; backoffMs: number }>(
      'conn:siridb:host:connect-error',
      forPort(proxy.port),
    );
    using scheduled = recordChannel<{ port: number; delayMs: number }>(
      'conn:siridb:host:reconnect-scheduled',
      forPort(proxy.port),
    );
    using connects = recordChannel<{ port: number }>('conn:siridb:host:connect', forPort(proxy.port));
    // The reconnect jitter draws from `random`: a fixed draw makes every wait exact.
    const db = client({
      hostlist: [{ host: proxy.host, port: proxy.port }],
      maxWaitRetryMs: 1_200,
      random: () => 0.5,
    });
    await db.insert({ s: [[1, 1]] });
    await connects.nth(0);

    target.fault({ kind: 'stall', requests: 'all' });
    const inFlightInsert = db.insert({ s: [[2, 2]] });
    const inFlightQuery = db.query('select * from "s"', { timeoutMs: 400 });
    await target.waitForRequestCount('query', 1);
    proxy.setMode({ kind: 'refuse' });
    proxy.resetAll();
    target.clearFaults();

    const insertError = await inFlightInsert.catch((error: unknown) => error);
    expect(insertError).toBeInstanceOf(ConnectionError);
    expect(insertError).toMatchObject({ code: 'CONN_CONNECTION_CLOSED', retryable: false });
    // The query waits for a host until its deadline; the timeout says why it waited.
    const queryError = await inFlightQuery.catch((error: unknown) => error);
    expect(queryError).toBeInstanceOf(TimeoutError);
    expect((queryError as TimeoutError).cause).toBeInstanceOf(ConnectionError);

    // The lost connection is replaced at once; that attempt is refused, and so is the next. Each
    // wait lies in [c/2, c) for a ceiling c of 1 s that doubles up to maxWaitRetryMs; the draw 0.5
    // puts it at 3c/4: 750 ms (c = 1 000), then 900 ms (c = min(2 000, 1 200)).
    expect((await failures.nth(0)).backoffMs).toBe(750);
    expect((await failures.nth(1)).backoffMs).toBe(900);
    // Each retry is scheduled for what is left of that wait (measured a moment after it was drawn).
    for (const [index, backoffMs] of [750, 900].entries()) {
      const { delayMs } = await scheduled.nth(index);
      expect(delayMs).toBeLessThanOrEqual(backoffMs);
      expect(delayMs).toBeGreaterThan(0);
    }
    proxy.setMode({ kind: 'pass' });
    await connects.nth(1);
    expect(await db.query('select * from "s"')).toEqual({ s: [[1, 1]] });
  });

  it('connect() tries a host that waits out its back-off again at once', async () => {
    const target = await server();
    const proxy = await proxyTo(target);
    proxy.setMode({ kind: 'refuse' });
    using failures = recordChannel<{ port: number; backoffMs: number }>(
      'conn:siridb:host:connect-error',
      forPort(proxy.port),
    );
    // A draw of 31/32 puts the first wait near its ceiling of 1 s: 500 + 31/32 * 500 ms.
    const db = client({ hostlist: [{ host: proxy.host, port: proxy.port }], random: () => 31 / 32 });
    await expect(db.connect()).rejects.toMatchObject({ code: 'CONN_SIRIDB_NO_CONNECTION' });
    expect((await failures.nth(0)).backoffMs).toBe(984.375);
    expect(db.hosts[0]).toMatchObject({ connected: false, reconnecting: true });
    expect(db.hosts[0]?.lastError).toBeInstanceOf(ConnectionError);

    proxy.setMode({ kind: 'pass' });
    // Most of the wait is still ahead: a connect() that waited for it would miss this deadline.
    await db.connect({ timeoutMs: 600 });
    expect(db.hosts[0]).toMatchObject({ connected: true, reconnecting: false, lastError: undefined });
    expect(target.requestCounts['auth']).toBe(1);
  });

  it('fails over to the second host on a server error and comes back after inactiveTimeMs', async () => {
    // Two servers over one store: a SiriDB pool of two replicas.
    const store = createSiriDBStore();
    const first = await server({ store });
    const second = await server({ store });
    const db = client({
      hostlist: [
        { host: first.host, port: first.port, weight: 9 },
        { host: second.host, port: second.port, weight: 1 },
      ],
      inactiveTimeMs: 300,
      random: seededRandom(9_001),
    });
    await db.connect();
    first.fault({ kind: 'server-error', requests: 'all' });
    // the first host is marked inactive after this instant
    const sitsOutFrom = performance.now();
    for (let i = 0; i < 20; i++) await db.insert({ s: [[i, i]] });
    expect(second.requestCounts['insert']).toBe(20);
    expect(first.requestCounts['insert'] ?? 0).toBeLessThanOrEqual(1); // only before it sat out
    expect(db.hosts[0]).toMatchObject({ inactive: true, connected: true });
    first.clearFaults();
    // Nothing announces the end of the inactive period: wait for the host's own status to say so.
    await vi.waitFor(() => expect(db.hosts[0]?.inactive).toBe(false), { timeout: 5_000, interval: 20 });
    expect(performance.now() - sitsOutFrom).toBeGreaterThanOrEqual(300);
    const firstBefore = first.requestCounts['insert'] ?? 0;
    const secondBefore = second.requestCounts['insert'] ?? 0;
    for (let i = 0; i < 20; i++) await db.insert({ s: [[100 + i, i]] });
    const toFirst = (first.requestCounts['insert'] ?? 0) - firstBefore;
    const toSecond = (second.requestCounts['insert'] ?? 0) - secondBefore;
    expect(toFirst + toSecond).toBe(20);
    // weights 9:1 with a seeded source: the first host takes most of the traffic again
    expect(toFirst).toBeGreaterThanOrEqual(15);
    // every insert landed once, whichever replica took it
    expect(store.pointCount('dbtest', 's')).toBe(40);
  });

  it('a seeded random source makes the host choice repeatable', async () => {
    /** The host (0 or 1) each of 24 queries went to, for a client seeded with `seed`. */
    async function choices(seed: number): Promise<number[]> {
      const targets = [await server(), await server()];
      const db = client({
        hostlist: targets.map((target) => ({ host: target.host, port: target.port })),
        random: seededRandom(seed),
      });
      await db.connect();
      const picked: number[] = [];
      for (let i = 0; i < 24; i++) {
        const before = targets.map((target) => target.requestCounts['query'] ?? 0);
        await db.query('count series');
        picked.push(
          targets.findIndex((target, index) => (target.requestCounts['query'] ?? 0) > (before[index] ?? 0)),
        );
      }
      return picked;
    }
    const first = await choices(42);
    expect(new Set(first)).toEqual(new Set([0, 1])); // both hosts in use: the choice is random
    expect(await choices(42)).toEqual(first);
    expect(await choices(43)).not.toEqual(first);
  });

  it('uses backups only when every primary is down', async () => {
    const primaryServer = await server();
    const backup = await server();
    const primary = await proxyTo(primaryServer);
    using connects = recordChannel<{ port: number }>('conn:siridb:host:connect', forPort(primary.port));
    const db = client({
      hostlist: [
        { host: primary.host, port: primary.port },
        { host: backup.host, port: backup.port, backup: true },
      ],
    });
    await db.connect();
    for (let i = 0; i < 30; i++) await db.query('count series');
    expect(backup.requestCounts['query'] ?? 0).toBe(0);

    primary.setMode({ kind: 'refuse' });
    primary.resetAll();
    for (let i = 0; i < 10; i++) await db.query('count series');
    expect(backup.requestCounts['query']).toBe(10);

    primary.setMode({ kind: 'pass' });
    await connects.nth(1);
    const before = backup.requestCounts['query'];
    for (let i = 0; i < 10; i++) await db.query('count series');
    expect(backup.requestCounts['query']).toBe(before);
  });

  it('a stalled server is caught by the request timeout and by the keepalive ping', async () => {
    const target = await server();
    const proxy = await proxyTo(target);
    using disconnects = recordChannel<{ port: number; error?: { code?: string } }>(
      'conn:siridb:host:disconnect',
      forPort(proxy.port),
    );
    const db = client({
      hostlist: [{ host: proxy.host, port: proxy.port }],
      keepaliveIntervalMs: 100,
      pingTimeoutMs: 150,
    });
    await db.connect();
    proxy.setMode({ kind: 'stall' });
    await expect(db.query('count series', { timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutError);
    const lost = await disconnects.nth(0);
    expect(lost.error?.code).toBe('CONN_SIRIDB_KEEPALIVE_FAILED');
  });

  it('10,000 concurrent requests on one connection, answered out of order, each get their own answer', async () => {
    const target = await server();
    const db = client({ hostlist: [{ host: target.host, port: target.port }] });
    const series = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`s${i}`, [[i, i * 10]] as [number, number][]]),
    );
    await db.insert(series);
    target.fault({ kind: 'reorder', requests: 'query' });
    const answers = await Promise.all(
      Array.from({ length: 10_000 }, (_, i) =>
        db.query(`select * from "s${i % 100}"`).then((result) => [i, result] as const),
      ),
    );
    for (const [i, result] of answers)
      expect(result).toEqual({ [`s${i % 100}`]: [[i % 100, (i % 100) * 10]] });
    expect(target.reorderedCount).toBeGreaterThan(0);
    expect(target.connectionCount).toBe(1);
  });

  it('pids wrap around past 65,535 without mixing answers up', async () => {
    const target = await server();
    const db = client({ hostlist: [{ host: target.host, port: target.port }] });
    await db.insert({ a: [[1, 1]], b: [[2, 2]] });
    let checked = 0;
    for (let batch = 0; batch < 70; batch++) {
      const results = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          db.query(i % 2 === 0 ? 'select * from "a"' : 'select * from "b"'),
        ),
      );
      results.forEach((result, i) => {
        expect(result).toEqual(i % 2 === 0 ? { a: [[1, 1]] } : { b: [[2, 2]] });
      });
      checked += results.length;
    }
    expect(checked).toBe(70_000);
    expect(target.maxPidSeen).toBe(65_535);
  });

  it('bulk insert of 1,000,000 points: the server counts exactly what was sent', async () => {
    const target = await server();
    const db = client({ hostlist: [{ host: target.host, port: target.port }] });
    const random = seededRandom(1_000_000);
    let sent = 0;
    for (let batch = 0; batch < 100; batch++) {
      const data: Record<string, [number, number][]> = {};
      for (let s = 0; s < 100; s++) {
        const points: [number, number][] = [];
        for (let p = 0; p < 100; p++) points.push([1_700_000_000_000 + batch * 100 + p, random()]);
        data[`bulk.${s}`] = points;
      }
      sent += (await db.insert(data)).pointCount;
    }
    expect(sent).toBe(1_000_000);
    expect(target.pointCount()).toBe(1_000_000);
    expect(await db.query('count series length')).toEqual({ series_length: 1_000_000 });
  });
});
