import { afterEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

const TEN_ROWS_SQL = 'SELECT x AS n FROM range(10) t(x) ORDER BY x';

describe('E6DataCursor: fetchOne, fetchMany, fetchAll and iteration share one buffer', () => {
  it('fetchOne returns one row, not a list', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    await using cursor = env.client.cursor(TEN_ROWS_SQL);
    expect(await cursor.fetchOne()).toEqual({ n: 0 });
  });

  it('mixing fetchOne, fetchMany, fetchAll and for await loses no row and repeats none', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    // Batches [0,1,2] [3,4,5] [6,7,8] [9]: every read below crosses a batch boundary.
    await using cursor = env.client.cursor<{ n: number }>(TEN_ROWS_SQL);
    const seen: number[] = [];
    const one = await cursor.fetchOne();
    seen.push((one as { n: number }).n);
    const two = await cursor.fetchMany(2);
    expect(two).toHaveLength(2);
    seen.push(...two.map((row) => row.n));
    const more = await cursor.fetchMany(2); // spans the first and the second batch
    seen.push(...more.map((row) => row.n));
    for await (const row of cursor) {
      seen.push(row.n);
      if (row.n === 6) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(env.server.callCount('getNextResultBatch')).toBeGreaterThanOrEqual(3);
  });

  it('fetchAll after fetchOne and fetchMany gives exactly the rest, then the end is null and []', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    await using cursor = env.client.cursor<{ n: number }>(TEN_ROWS_SQL);
    const first = await cursor.fetchOne();
    const next = await cursor.fetchMany(4);
    const rest = await cursor.fetchAll();
    expect([first, ...next, ...rest].map((row) => row?.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await cursor.fetchOne()).toBeNull();
    expect(await cursor.fetchMany(3)).toEqual([]);
    expect(await cursor.fetchAll()).toEqual([]);
    // The rows ended; the query stays on the server for explainAnalyse() until close() clears it.
    expect(env.server.callCount('clearOrCancelQuery')).toBe(0);
    expect((await cursor.explainAnalyse()).isCached).toBe(false);
    await cursor.close();
    await env.server.waitForOpenQueries(0, { signal: AbortSignal.timeout(5_000) });
    expect(env.server.callCount('clearOrCancelQuery')).toBe(1);
  });

  it('iteration after fetchMany continues where it stopped', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    await using cursor = env.client.cursor<{ n: number }>(TEN_ROWS_SQL);
    const head = (await cursor.fetchMany(5)).map((row) => row.n);
    const tail: number[] = [];
    for await (const row of cursor) tail.push(row.n);
    expect([...head, ...tail]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await cursor.fetchOne()).toBeNull();
  });
});

describe('E6DataCursor: a batch read a slice at a time', () => {
  it('a 5,000-row batch read by fetchOne, fetchMany, for await and fetchAll gives every row once, in order', async () => {
    // One batch is decoded ~1,000 rows at a time: these reads start and end inside slices.
    env = await startClientAndServer({ batchRows: 5_000 });
    await using cursor = env.client.cursor<{ n: number; label: string }>(
      "SELECT x AS n, 'row-' || x AS label FROM range(5000) t(x) ORDER BY x",
    );
    const seen: { n: number; label: string }[] = [];
    seen.push((await cursor.fetchOne()) as { n: number; label: string });
    seen.push(...(await cursor.fetchMany(1_500)));
    for await (const row of cursor) {
      seen.push(row);
      if (row.n === 3_333) break;
    }
    expect(seen.map((row) => row.n)).toEqual(Array.from({ length: 3_334 }, (_, n) => n));
    expect(seen.every((row) => row.label === `row-${row.n}`)).toBe(true);
    expect(env.server.callCount('getNextResultBatch')).toBeLessThanOrEqual(2);
  });

  it('fetchAll after a row of a large batch returns the rest of it and the following batches', async () => {
    env = await startClientAndServer({ batchRows: 4_000 });
    await using cursor = env.client.cursor<{ n: number }>('SELECT x AS n FROM range(9000) t(x) ORDER BY x');
    const first = await cursor.fetchOne();
    const rest = await cursor.fetchAll();
    expect([first, ...rest].map((row) => row?.n)).toEqual(Array.from({ length: 9_000 }, (_, n) => n));
  });
});

describe('E6DataCursor: streaming', () => {
  it('fetches batches on demand while iterating 200,000 rows', async () => {
    env = await startClientAndServer({ batchRows: 8192 });
    const { client, server } = env;
    let read = 0;
    let sum = 0;
    let batchesAtMidpoint = -1;
    for await (const row of client.stream<{ x: number }>('SELECT range AS x FROM range(200000)')) {
      sum += row.x;
      read++;
      if (read === 100_000) batchesAtMidpoint = server.callCount('getNextResultBatch');
    }
    expect(read).toBe(200_000);
    expect(sum).toBe((199_999 * 200_000) / 2);
    // On demand: at the midpoint no more batches than rows read (plus the one in hand and one spare).
    expect(batchesAtMidpoint).toBeGreaterThanOrEqual(Math.ceil(100_000 / 8192));
    expect(batchesAtMidpoint).toBeLessThanOrEqual(Math.floor(100_000 / 8192) + 2);
  });

  it('break clears the query on the server and the next query works', async () => {
    env = await startClientAndServer({ batchRows: 8192 });
    const { client, server } = env;
    let read = 0;
    for await (const _row of client.stream('SELECT range AS x FROM range(200000)')) {
      read++;
      if (read === 10) break;
    }
    expect(read).toBe(10);
    const clears = server.calls.filter((call) => call.method === 'clearOrCancelQuery');
    expect(clears).toHaveLength(1);
    // The batch read and, at most, the one requested ahead of the reader.
    expect(server.callCount('getNextResultBatch')).toBeLessThanOrEqual(2);
    await server.waitForOpenQueries(0, { signal: AbortSignal.timeout(5_000) });
    const { rows } = await client.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('streams 5,000,000 rows with a bounded heap', { timeout: 60_000 }, async () => {
    env = await startClientAndServer({ batchRows: 8192 });
    const samples: number[] = [];
    const before = process.memoryUsage().heapUsed;
    let read = 0;
    let last = -1;
    let ordered = true;
    for await (const row of env.client.stream<{ x: number }>('SELECT range AS x FROM range(5000000)')) {
      if (row.x !== last + 1) ordered = false;
      last = row.x;
      read++;
      if (read % 100_000 === 0) samples.push(process.memoryUsage().heapUsed);
    }
    const peak = Math.max(...samples);
    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `5,000,000 rows: heap before ${mb(before)}, peak ${mb(peak)}, last ${mb(samples.at(-1) ?? 0)}, ${samples.length} samples`,
    );
    expect(read).toBe(5_000_000);
    expect(ordered).toBe(true);
    expect(samples).toHaveLength(50);
    // All rows held at once would be hundreds of MB of objects; streaming stays near the baseline.
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('E6DataCursor: arguments', () => {
  it('fetchMany refuses a size that is not a non-negative integer, before any call', async () => {
    env = await startClientAndServer();
    const before = env.server.calls.length;
    await using cursor = env.client.cursor('SELECT 1 AS one');
    for (const size of [-1, 2.5, Number.NaN]) {
      const error = await rejectionOf(cursor.fetchMany(size));
      expect((error as { code?: string }).code, String(size)).toBe('CONN_CONFIG');
    }
    expect(env.server.calls.length).toBe(before);
  });
});
