import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient, StreamOptions } from '../../src/index.js';
import { openDatabase, testDatabase } from '../support/database.js';

const ROWS = 1_000_000;
const WIDE = `SELECT g AS a, g + 1 AS b, g::text AS c, md5(g::text) AS d, g * 2 AS e,
  (g % 7 = 0) AS f, 'row ' || g AS h, g::float8 / 3 AS i FROM generate_series(1, ${ROWS}) g`;
/** Generous: with the socket read freely (no backpressure) the queue alone passed 250 MB here. */
const HEAP_BOUND = 192 * 1024 * 1024;

describe.skipIf(testDatabase.skipReason !== undefined)('streaming 1,000,000 wide rows', () => {
  let db: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 } });
  });
  afterAll(async () => {
    await db.close();
  });

  async function heapGrowth(options: StreamOptions): Promise<{ count: number; growth: number }> {
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let count = 0;
    for await (const row of db.stream<{ a: number; d: string }>(WIDE, [], options)) {
      count++;
      if (row.a !== count) expect(row.a).toBe(count);
      // A slow consumer: I/O runs while rows wait, so whatever the stream queues shows up here.
      if (count % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    return { count, growth: peak - baseline };
  }

  it('keeps the heap bounded without a portal', async () => {
    const { count, growth } = await heapGrowth({ portal: false });
    expect(count).toBe(ROWS);
    expect(growth).toBeLessThan(HEAP_BOUND);
  });

  it('keeps the heap bounded with adaptive portal batches', async () => {
    const { count, growth } = await heapGrowth({});
    expect(count).toBe(ROWS);
    expect(growth).toBeLessThan(HEAP_BOUND);
  });
});
