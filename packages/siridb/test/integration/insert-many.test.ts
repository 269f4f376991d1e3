import { AbortError, ConfigError, type ConnError, ConnectionError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InsertError,
  insertManyReport,
  SiriDBClient,
  type SiriDBPoint,
  SiriDBQueryError,
} from '../../src/index.js';
import { SERVER_MAX_PACKAGE_BYTES } from '../../src/protocol/package.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const servers: SiriDBTestServer[] = [];
const clients: SiriDBClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(
  timePrecision: 's' | 'ms' = 'ms',
  options: Parameters<typeof SiriDBClient.fromUrl>[1] = {},
): Promise<{ server: SiriDBTestServer; client: SiriDBClient }> {
  const server = await startSiriDBTestServer({ databases: [{ name: 'dbtest', timePrecision }] });
  servers.push(server);
  const client = SiriDBClient.fromUrl(server.url, options);
  clients.push(client);
  return { server, client };
}

function points(n: number, from = 0): SiriDBPoint[] {
  return Array.from({ length: n }, (_, i): SiriDBPoint => [1_700_000_000 + from + i, from + i]);
}

function rejection(promise: Promise<unknown>): Promise<ConnError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as ConnError,
  );
}

describe('insertMany() against the test server', () => {
  it('cuts 200,000 points into 10,000-point requests and sends every point once', async () => {
    const { server, client } = await setup();
    const data: Record<string, SiriDBPoint[]> = {};
    for (let s = 0; s < 20; s++) data[`cpu.${s}`] = points(10_000);
    const result = await client.insertMany(data);
    expect(result).toEqual({ requests: 20, seriesCount: 20, pointCount: 200_000 });
    expect(server.requestCounts['insert']).toBe(20);
    expect(server.pointCount()).toBe(200_000);
  });

  it('by default a request stays within 1 MiB, the most SiriDB recommends', async () => {
    const { server, client } = await setup();
    const text = 'v'.repeat(1_000);
    const data = { log: Array.from({ length: 3_000 }, (_, i): SiriDBPoint => [1_700_000_000 + i, text]) };
    await expect(client.insertMany(data)).resolves.toEqual({
      requests: 3,
      seriesCount: 1,
      pointCount: 3_000,
    });
    expect(server.pointCount()).toBe(3_000);
  });

  it('one request: the result carries the server message', async () => {
    const { client } = await setup();
    await expect(client.insertMany({ a: points(3) })).resolves.toEqual({
      requests: 1,
      seriesCount: 1,
      pointCount: 3,
      message: 'Successfully inserted 3 point(s).',
    });
  });

  it('takes an async iterable of batches, reads them one at a time and closes it at the end', async () => {
    const { server, client } = await setup();
    let closed = false;
    async function* batches() {
      try {
        for (let b = 0; b < 3; b++) yield { [`b${b}`]: points(25) };
      } finally {
        closed = true;
      }
    }
    await expect(client.insertMany(batches(), { maxPointsPerRequest: 10 })).resolves.toEqual({
      requests: 9,
      seriesCount: 3,
      pointCount: 75,
    });
    expect(closed).toBe(true);
    expect(server.pointCount()).toBe(75);
  });

  it('sends one request at a time by default: a request left unanswered holds back the rest', async () => {
    const { server, client } = await setup();
    server.fault({ kind: 'stall', requests: 'insert', times: 1 });
    const error = await rejection(
      client.insertMany({ a: points(40) }, { maxPointsPerRequest: 10, timeoutMs: 300 }),
    );
    server.clearFaults();
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.details).toMatchObject({
      timeoutMs: 300,
      requests: 4,
      appliedRequests: '',
      unknownRequests: '1',
      notSentRequests: '2-4',
      mayHaveExecuted: true,
    });
    expect(error.retryable).toBe(false);
    expect(server.requestCounts['insert']).toBe(1);
  });

  it('concurrency: that many requests in flight at once (deadline: insertTimeoutMs)', async () => {
    const { server, client } = await setup('ms', { insertTimeoutMs: 300 });
    server.fault({ kind: 'stall', requests: 'insert', times: 1 });
    const error = await rejection(
      client.insertMany({ a: points(50) }, { maxPointsPerRequest: 10, concurrency: 3 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.details).toMatchObject({ timeoutMs: 300, unknownRequests: '1-3', notSentRequests: '4-5' });
    expect(insertManyReport(error)?.requests.map((request) => request.status)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'not-sent',
      'not-sent',
    ]);
    await server.waitForRequestCount('insert', 3);
    server.clearFaults();
    expect(server.requestCounts['insert']).toBe(3);
  });

  it('a request the server refuses stops the rest; the error says which were applied, and nothing is lost', async () => {
    const { server, client } = await setup('s');
    const series = points(50);
    series[25] = [2 ** 32, 1]; // out of range for a seconds database: the server refuses request 3
    const error = await rejection(client.insertMany({ a: series }, { maxPointsPerRequest: 10 }));
    expect(error).toBeInstanceOf(InsertError);
    expect((error as InsertError).serverMessage).toBe(
      'Received at least one time-stamp which is out-of-range.',
    );
    expect(error.details).toMatchObject({
      appliedRequests: '1-2',
      refusedRequests: '3',
      notSentRequests: '4-5',
      appliedPoints: 20,
      mayHaveExecuted: true,
    });
    expect(error.retryable).toBe(false);
    expect(server.requestCounts['insert']).toBe(3);
    expect(server.pointCount()).toBe(20);

    // The report gives back exactly what is missing (applied requests let their points go).
    const report = insertManyReport(error);
    expect(report?.requests.slice(0, 2).map((request) => [request.status, request.series])).toEqual([
      ['applied', []],
      ['applied', []],
    ]);
    const missing = report?.requests.filter((request) => request.status !== 'applied') ?? [];
    expect(
      missing.map((request) => request.series.map((s) => [s.name, s.firstPoint, s.points.length])),
    ).toEqual([[['a', 20, 10]], [['a', 30, 10]], [['a', 40, 10]]]);
    const fixed = missing.flatMap((request) =>
      request.series.map((s) => ({ name: s.name, points: s.points.filter(([ts]) => Number(ts) < 2 ** 32) })),
    );
    await client.insertMany(fixed);
    expect(server.pointCount()).toBe(49);
  });

  it('a connection lost after a request was sent: that request may have been applied and is not sent again', async () => {
    const { server, client } = await setup();
    let closed = false;
    async function* batches() {
      try {
        yield { a: points(10) };
        server.fault({ kind: 'drop-mid-response', requests: 'insert', times: 1 });
        yield { b: points(10) };
        yield { c: points(10) };
      } finally {
        closed = true;
      }
    }
    const error = await rejection(client.insertMany(batches()));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.details).toMatchObject({
      appliedRequests: '1',
      unknownRequests: '2',
      unknownPoints: 10,
      batchesRead: 2,
      mayHaveExecuted: true,
    });
    expect(error.retryable).toBe(false);
    expect(server.requestCounts['insert']).toBe(2);
    expect(closed).toBe(true);
  });

  it('each request is retried as insert() is: a pool error is waited out', async () => {
    const { server, client } = await setup('ms', { poolErrorRetryMs: 1 });
    server.fault({ kind: 'pool-error', requests: 'insert', times: 2 });
    await expect(client.insertMany({ a: points(30) }, { maxPointsPerRequest: 10 })).resolves.toMatchObject({
      requests: 3,
      pointCount: 30,
    });
    expect(server.requestCounts['insert']).toBe(5);
    expect(server.pointCount()).toBe(30);
  });

  it('an invalid point fails the whole batch before any of it is sent, with the error insert() gives', async () => {
    const { server, client } = await setup();
    const series = points(30);
    series[27] = [1, true as unknown as number]; // booleans are not SiriDB values
    const many = await rejection(client.insertMany({ a: series }, { maxPointsPerRequest: 10 }));
    const one = await rejection(client.insert({ a: series }));
    expect(many).toBeInstanceOf(InsertError);
    expect(many.message).toBe(one.message);
    expect(many.message).toContain('point 27');
    expect(server.requestCounts['insert'] ?? 0).toBe(0);
  });

  it('an invalid later batch: the earlier ones were applied, and the error says so', async () => {
    const { server, client } = await setup();
    async function* batches() {
      yield { a: points(10) };
      yield { b: [[-1, 1] as SiriDBPoint] };
    }
    const error = await rejection(client.insertMany(batches()));
    expect(error).toBeInstanceOf(InsertError);
    expect(error.message).toContain('batch 1 was refused before sending');
    expect(error.details).toMatchObject({ appliedRequests: '1', invalidBatch: 1, mayHaveExecuted: true });
    expect(server.pointCount()).toBe(10);
  });

  it('an abort during the call: AbortError saying what was applied', async () => {
    const { client } = await setup();
    const controller = new AbortController();
    async function* batches() {
      yield { a: points(10) };
      controller.abort(new Error('enough'));
      yield { b: points(10) };
    }
    const error = await rejection(client.insertMany(batches(), { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.details).toMatchObject({ appliedRequests: '1', mayHaveExecuted: true });
  });

  it('checks its options before anything is sent', async () => {
    const { server, client } = await setup();
    for (const [options, field] of [
      [{ maxPointsPerRequest: 0 }, 'maxPointsPerRequest'],
      [{ maxBytesPerRequest: SERVER_MAX_PACKAGE_BYTES + 1 }, 'maxBytesPerRequest'],
      [{ concurrency: 0 }, 'concurrency'],
      [{ concurrency: 1.5 }, 'concurrency'],
    ] as const) {
      const error = await rejection(client.insertMany({ a: points(1) }, options));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe(field);
    }
    expect(server.connectionCount).toBe(0);
  });

  it('a point alone larger than the server accepts fails before anything is sent', async () => {
    const { server, client } = await setup();
    const error = await rejection(
      client.insertMany({ a: points(5), b: [[1, 'x'.repeat(SERVER_MAX_PACKAGE_BYTES)]] }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error.details).toMatchObject({ series: 'b', point: 0, limit: SERVER_MAX_PACKAGE_BYTES });
    expect(server.requestCounts['insert'] ?? 0).toBe(0);
  });
});

describe('requests larger than the server accepts (test server)', () => {
  it('insert(): refused before sending, naming size and limit; the connection stays up', async () => {
    const { server, client } = await setup();
    await client.connect();
    const error = await rejection(client.insert({ a: [[1, 'x'.repeat(SERVER_MAX_PACKAGE_BYTES)]] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error.details['limit']).toBe(SERVER_MAX_PACKAGE_BYTES);
    expect(error.details['bytes']).toBeGreaterThan(SERVER_MAX_PACKAGE_BYTES);
    expect(error.message).toContain(String(error.details['bytes']));
    expect(server.requestCounts['insert'] ?? 0).toBe(0);
    await expect(client.insert({ a: [[1, 1]] })).resolves.toMatchObject({ pointCount: 1 });
    expect(server.connectionCount).toBe(1);
  });

  it('query(): over 40 MiB refused before sending; under it but over 65,535 bytes the server says "Query too long."', async () => {
    const { server, client } = await setup();
    await client.connect();
    const huge = await rejection(client.query(`select * from "${'a'.repeat(SERVER_MAX_PACKAGE_BYTES)}"`));
    expect(huge).toBeInstanceOf(ConfigError);
    expect(huge.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(server.requestCounts['query'] ?? 0).toBe(0);
    const long = await rejection(client.query(`select * from "${'a'.repeat(70_000)}"`));
    expect(long).toBeInstanceOf(SiriDBQueryError);
    expect(long.message).toBe('Query too long.');
    expect(server.connectionCount).toBe(1);
  });
});
