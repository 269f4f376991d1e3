// ZTeraDBClient's streaming select against the test server: a million rows with bounded client
// memory, backpressure with a slow loop, the call's deadline and abort mid-stream, first(), error
// frames, calls refused before any I/O, and the wire order of integer-like sort keys.
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { AbortError, ConfigError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ZTeraDBQueryError } from '../../src/errors.js';
import { RequestType } from '../../src/protocol/index.js';
import { errorCodeOf } from '../../src/testing/error-codes.js';
import type { ZTeraDBTestDatabases, ZTeraDBTestServer } from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { framesOf, useZTeraDB } from '../support/harness.js';

type Item = { id: number; name: string };

const { startServer: startWith, clientOf } = useZTeraDB();
const taps: Server[] = [];
const tapSockets = new Set<Socket>();
afterEach(async () => {
  // Hooks run before the harness closes the clients: end the relayed sockets, then the listeners.
  for (const socket of tapSockets) socket.destroy();
  for (const tap of taps.splice(0)) await new Promise((resolve) => tap.close(resolve));
});

const startServer = (databases: ZTeraDBTestDatabases): Promise<ZTeraDBTestServer> => startWith({ databases });

const items = (count: number): Item[] => Array.from({ length: count }, (_, id) => ({ id, name: `n${id}` }));

/** The error a loop over `rows` ends with (or `undefined`), and the ids it saw before. */
async function drainIds(rows: AsyncIterable<Item>, onRow: (seen: number) => void = () => undefined) {
  const ids: number[] = [];
  try {
    for await (const row of rows) {
      ids.push(row.id);
      onRow(ids.length);
    }
    return { ids, error: undefined as unknown };
  } catch (error) {
    return { ids, error };
  }
}

/** Node's full collection, exposed for this process only (the test runner does not pass --expose-gc). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** A loopback TCP relay that keeps every byte the client sends, to read a frame as it was written. */
async function startRecordingTap(target: { port: number }): Promise<{ port: number; sent: Buffer[] }> {
  const sent: Buffer[] = [];
  const tap = net.createServer((downstream: Socket) => {
    const upstream = net.connect(target.port, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      tapSockets.add(socket);
      socket.on('close', () => tapSockets.delete(socket));
    }
    downstream.on('data', (chunk: Buffer) => {
      sent.push(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(downstream);
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
    downstream.on('error', () => upstream.destroy());
    upstream.on('error', () => downstream.destroy());
  });
  taps.push(tap);
  await new Promise<void>((resolve) => tap.listen(0, '127.0.0.1', resolve));
  return { port: (tap.address() as AddressInfo).port, sent };
}

/** The JSON texts of the frames in `bytes` (4-byte big-endian length, then the body). */
function frameTexts(bytes: Buffer): string[] {
  const texts: string[] = [];
  for (let at = 0; at + 4 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    texts.push(bytes.subarray(at + 4, at + 4 + length).toString('utf8'));
    at += 4 + length;
  }
  return texts;
}

describe('ZTeraDBClient streaming', () => {
  it('streams 1,000,000 rows through for await in order, with bounded client heap', async () => {
    const ROWS = 1_000_000;
    const SAMPLE_EVERY = 50_000;
    const server = await startServer({ DB1: { item: items(ROWS) } });
    const client = clientOf(server, { pool: { max: 1 }, timeoutMs: 60_000 });
    const gc = collector();

    gc();
    const before = process.memoryUsage().heapUsed;
    const heapMb: number[] = [];
    let expected = 0;
    let inOrder = true;
    for await (const row of client.run(ZTeraDBQuery<Item>('item').select())) {
      if (row.id !== expected) inOrder = false;
      expected += 1;
      // A loop slower than the socket: every few rows the producer gets I/O turns to run ahead,
      // so a feed without a bound would fill with the rows not yet read.
      if (expected % 100 === 0) await nextTurn();
      if (expected % SAMPLE_EVERY === 0) {
        gc();
        heapMb.push((process.memoryUsage().heapUsed - before) / 2 ** 20);
      }
    }
    // The first sample already holds the server's side of the answer (its sorted, projected copy
    // of the million rows: server and client share the heap); what grows after it is the client's.
    const streaming = heapMb.slice(0, -1);
    const growthMb = Math.max(...streaming) - (streaming[0] as number);
    console.info(
      `1,000,000-row stream: heapUsed above the pre-query baseline (MB, after gc, every 50,000 rows): ${heapMb
        .map((mb) => mb.toFixed(1))
        .join(', ')}; growth while streaming ${growthMb.toFixed(1)} MB`,
    );
    expect(expected).toBe(ROWS);
    expect(inOrder).toBe(true);
    // A feed capped at 512 rows and a paused socket hold the same few rows' worth all along; the
    // whole answer as row objects would be tens of MB. What remains is collection noise.
    expect(growthMb).toBeLessThan(3);
    expect(client.stats().leased).toBe(0);
  }, 60_000);

  it('a slow loop (one event-loop turn per row, the producer held back by the feed) gets every row in order', async () => {
    const ROWS = 5_000;
    const server = await startServer({ DB1: { item: items(ROWS) } });
    const client = clientOf(server, { pool: { max: 1 } });
    const { ids, error } = await drainIds(client.run(ZTeraDBQuery<Item>('item').select()));
    expect(error).toBeUndefined();
    expect(ids).toEqual(Array.from({ length: ROWS }, (_, id) => id));

    // One event-loop turn per row: the producer would read far ahead unless the feed held it back.
    const slow: number[] = [];
    for await (const row of client.run(ZTeraDBQuery<Item>('item').select())) {
      slow.push(row.id);
      await nextTurn();
    }
    expect(slow).toEqual(Array.from({ length: ROWS }, (_, id) => id));
    // Both selects used the one pooled connection: each answer was read to its end.
    expect(framesOf(server, RequestType.CONNECT)).toBe(1);
    expect(client.stats().leased).toBe(0);
  });

  it('a deadline passing mid-stream ends the loop with TimeoutError (CONN_TIMEOUT); the connection closes, the pool recovers', async () => {
    const server = await startServer({ DB1: { item: items(1_000) } });
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    await client.connect();
    // 20 ms between rows: 1,000 rows take 20 s, far beyond the 300 ms deadline.
    server.fault({ kind: 'slow-rows', delayMs: 20, times: 1 });

    const { ids, error } = await drainIds(
      client.run(ZTeraDBQuery<Item>('item').select(), { timeoutMs: 300 }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('CONN_TIMEOUT');
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, id) => id));
    expect(ids.length).toBeLessThan(1_000);

    // The connection is not lent again: CANCEL goes out and the socket closes (or it is destroyed).
    await server.waitForConnectionCount(0);
    console.info(
      `timeout mid-stream: CANCEL frames seen by the server: ${framesOf(server, RequestType.CANCEL)}`,
    );
    expect(client.stats().leased).toBe(0);
    server.clearFaults();
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(1_000);
    expect(framesOf(server, RequestType.CONNECT)).toBe(2);
    expect(client.stats().leased).toBe(0);
  });

  it('an abort mid-stream ends the loop with AbortError carrying the reason; same cleanup', async () => {
    const server = await startServer({ DB1: { item: items(1_000) } });
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    await client.connect();
    server.fault({ kind: 'slow-rows', delayMs: 20, times: 1 });
    const controller = new AbortController();
    const reason = new Error('the caller went away');

    const { ids, error } = await drainIds(
      client.run(ZTeraDBQuery<Item>('item').select(), { signal: controller.signal }),
      (seen) => {
        if (seen === 2) controller.abort(reason);
      },
    );
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    expect(ids.slice(0, 2)).toEqual([0, 1]);
    expect(ids.length).toBeLessThan(1_000);

    await server.waitForConnectionCount(0);
    console.info(
      `abort mid-stream: CANCEL frames seen by the server: ${framesOf(server, RequestType.CANCEL)}`,
    );
    expect(client.stats().leased).toBe(0);
    server.clearFaults();
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(1_000);
    expect(framesOf(server, RequestType.CONNECT)).toBe(2);
    expect(client.stats().leased).toBe(0);
  });

  it('first() on a 3-row table keeps the connection', async () => {
    const server = await startServer({ DB1: { item: items(3) } });
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    expect(await client.run(ZTeraDBQuery<Item>('item').select().sort('id')).first()).toEqual({
      id: 0,
      name: 'n0',
    });
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(3);
    expect(framesOf(server, RequestType.CONNECT)).toBe(1);
    expect(framesOf(server, RequestType.CANCEL)).toBe(0);
    expect(server.acceptedCount).toBe(1);
  });

  it('first() on a 50,000-row table cancels the answer and replaces the connection', async () => {
    const server = await startServer({ DB1: { item: items(50_000) } });
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    expect(await client.run(ZTeraDBQuery<Item>('item').select().sort('-id')).first()).toEqual({
      id: 49_999,
      name: 'n49999',
    });
    // One connection: the count gets it only once the abandoned answer let go of it.
    expect(await client.count(ZTeraDBQuery('item').count())).toBe(50_000);
    expect(client.stats().leased).toBe(0);
    expect(framesOf(server, RequestType.CANCEL)).toBe(1);
    expect(framesOf(server, RequestType.CONNECT)).toBe(2);
    await server.waitForConnectionCount(1);
  });

  it('a server error frame instead of the rows is a ZTeraDBQueryError, never empty rows; the next query works', async () => {
    const server = await startServer({ DB1: { item: items(10) } });
    const client = clientOf(server, { pool: { max: 1, acquireTimeoutMs: 2_000 } });
    server.fault({ kind: 'server-error', code: 'QUERY_ERROR', message: 'disk on fire', times: 1 });
    const { ids, error } = await drainIds(client.run(ZTeraDBQuery<Item>('item').select()));
    expect(ids).toEqual([]);
    expect(error).toBeInstanceOf(ZTeraDBQueryError);
    expect(error).toMatchObject({
      serverCode: errorCodeOf('QUERY_ERROR', 'python'),
      serverMessage: 'disk on fire',
    });
    expect(await client.run(ZTeraDBQuery<Item>('item').select()).toArray()).toHaveLength(10);
    expect(client.stats().leased).toBe(0);
  });

  it('run() of an insert throws ConfigError CONN_ZTERADB_QUERY at once; count() of a select rejects with it; no I/O', async () => {
    const server = await startServer({ DB1: { item: items(3) } });
    const client = clientOf(server);
    let thrown: unknown;
    try {
      client.run(ZTeraDBQuery<Item>('item').insert().fields({ id: 9, name: 'x' }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe('CONN_ZTERADB_QUERY');

    const counted = await client.count(ZTeraDBQuery('item').select()).catch((error: unknown) => error);
    expect(counted).toBeInstanceOf(ConfigError);
    expect((counted as ConfigError).code).toBe('CONN_ZTERADB_QUERY');
    expect(server.acceptedCount).toBe(0);
    expect(server.queryCount).toBe(0);
  });

  it("sort('10', '-2') goes on the wire with its keys in that order", async () => {
    const server = await startServer({
      DB1: {
        t: [
          { '2': 1, '10': 'b' },
          { '2': 2, '10': 'a' },
        ],
      },
    });
    const tap = await startRecordingTap(server);
    const client = clientOf(server, { port: tap.port });
    const rows = await client
      .run(ZTeraDBQuery<{ '10': string; '2': number }>('t').select().sort('10', '-2'))
      .toArray();
    expect(rows).toHaveLength(2);

    const queries = frameTexts(Buffer.concat(tap.sent)).filter((text) =>
      text.includes(`"request_type":${RequestType.QUERY}`),
    );
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain('"st":{"10":1,"2":-1}');
  });
});
