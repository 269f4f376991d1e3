import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { endOfTurn, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

const MiB = 1024 * 1024;

// A forced collection before each sample measures what is live, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}
const PAD = 'x'.repeat(80);

/** Polls `check` on round trips to the server until it holds (observable state, no fixed sleeps). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 5_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(testDatabase.skipReason !== undefined)('COPY at scale against PostgreSQL', () => {
  let db: CockroachDBClient;
  let observer: CockroachDBClient;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 } });
    observer = openDatabase({ pool: { max: 2 } });
  });
  afterAll(async () => {
    await db.close();
    await observer.close();
  });

  /** What the COPY's backend is waiting on, per pg_stat_activity. */
  async function copyWait(): Promise<{ type: string | null; event: string | null } | undefined> {
    return observer.queryOne<{ type: string | null; event: string | null }>(
      `SELECT wait_event_type AS type, wait_event AS event FROM pg_stat_activity
        WHERE query LIKE 'COPY %' AND pid <> pg_backend_pid()`,
    );
  }

  it('pulls the source no further ahead than the server takes the data (backpressure)', async () => {
    const table = uniqueTable('copy_backpressure');
    await db.execute(`CREATE TABLE "${table}" (id int PRIMARY KEY, pad text)`);
    const total = 1_000_000;
    // An uncommitted row with the key of row 50_000 makes the COPY wait there: the server stops
    // reading, the socket fills, and the driver must stop pulling the source.
    const blocker = await observer.transaction();
    await blocker.execute(`INSERT INTO "${table}" VALUES (50000, 'blocker')`);
    let pulled = 0;
    async function* rows() {
      for (let i = 0; i < total; i++) {
        pulled++;
        yield [i, PAD];
      }
    }
    const copying = db.copyFrom(table, ['id', 'pad'], rows());
    await until(async () => (await copyWait())?.type === 'Lock', 'the COPY to wait on the lock');
    // Wait until the driver stopped pulling: the count is the same across several round trips.
    let last = -1;
    let stable = 0;
    await until(async () => {
      stable = pulled === last ? stable + 1 : 0;
      last = pulled;
      await observer.query('SELECT 1');
      return stable >= 20;
    }, 'the source to stop being pulled');
    const aheadBytes = (pulled - 50_000) * (PAD.length + 8);
    console.log(
      `backpressure: pulled ${pulled} of ${total} rows while blocked at row 50000 (~${(aheadBytes / MiB).toFixed(1)} MiB ahead)`,
    );
    expect(pulled).toBeLessThan(total / 4);
    await blocker.rollback();
    expect(await copying).toEqual({ rowCount: total });
    expect(pulled).toBe(total);
  });

  it('copies 1,000,000 rows from an async generator and back out with bounded heap', async () => {
    const table = uniqueTable('copy_million');
    await db.execute(`CREATE TABLE "${table}" (id int8, label text, at timestamptz)`);
    const total = 1_000_000;
    const at = new Date('2021-06-01T12:00:00Z');
    const base = liveHeap();
    let peak = base;
    const samples: number[] = [];
    async function* rows() {
      for (let i = 0; i < total; i++) {
        if (i % 100_000 === 50_000) {
          const live = liveHeap();
          samples.push(Math.round((live - base) / MiB));
          peak = Math.max(peak, live);
        }
        yield [i, `row ${i} ${PAD.slice(0, 20)}`, at];
      }
    }
    const started = performance.now();
    expect(await db.copyFrom(table, ['id', 'label', 'at'], rows())).toEqual({ rowCount: total });
    const seconds = (performance.now() - started) / 1000;
    const inGrowth = (peak - base) / MiB;
    console.log(
      `copyFrom: ${total} rows in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} rows/s, heap growth ${inGrowth.toFixed(1)} MiB (samples ${samples.join(',')})`,
    );
    // Materialised, the input would hold ~1M arrays, strings and Dates: well over 100 MiB.
    expect(inGrowth).toBeLessThan(32);

    const outBase = liveHeap();
    let outPeak = outBase;
    let count = 0;
    let sum = 0;
    const outStarted = performance.now();
    for await (const row of db.copyTo<{ id: string; label: string; at: Date }>({ table })) {
      if (count % 100_000 === 50_000) outPeak = Math.max(outPeak, liveHeap());
      count++;
      sum += Number(row.id);
      if (count === 1) expect(row.at).toEqual(at);
    }
    const outSeconds = (performance.now() - outStarted) / 1000;
    const outGrowth = (outPeak - outBase) / MiB;
    console.log(
      `copyTo: ${count} rows in ${outSeconds.toFixed(2)} s = ${Math.round(count / outSeconds)} rows/s, heap growth ${outGrowth.toFixed(1)} MiB`,
    );
    expect(count).toBe(total);
    expect(sum).toBe(((total - 1) * total) / 2);
    expect(outGrowth).toBeLessThan(32);
    await endOfTurn();
    expect(db.stats()).toMatchObject({ leased: 0, size: 1 });
  });

  it('copyTo does not read the socket faster than the loop consumes; break leaves the session usable', async () => {
    let seen = 0;
    for await (const _row of db.copyTo(
      "SELECT g, repeat('y', 100) AS pad FROM generate_series(1, 5000000) g",
    )) {
      seen++;
      if (seen === 1_000) {
        // The loop stalls here; the server must end up blocked writing to us.
        await until(
          async () => (await copyWait())?.event === 'ClientWrite',
          'the server to block on the socket',
        );
        break;
      }
    }
    expect(await db.query('SELECT 7 AS seven')).toEqual([{ seven: 7 }]);
    expect(await copyWait()).toBeUndefined();
  });

  it('informative: copyFrom vs batchInsert throughput for 100,000 rows', async () => {
    const table = uniqueTable('copy_vs_batch');
    await db.execute(`CREATE TABLE "${table}" (id int8, label text)`);
    const records = Array.from({ length: 100_000 }, (_, i) => ({ id: i, label: `row ${i}` }));
    let started = performance.now();
    await db.copyFrom(table, ['id', 'label'], records);
    const copySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const batch = await db.batchInsert(table, records);
    const batchSeconds = (performance.now() - started) / 1000;
    console.log(
      `100k rows: copyFrom ${Math.round(100_000 / copySeconds)} rows/s, batchInsert ${Math.round(100_000 / batchSeconds)} rows/s`,
    );
    expect(batch.rowCount).toBe(100_000);
    expect(await db.query(`SELECT count(*)::int AS c FROM "${table}"`)).toEqual([{ c: 200_000 }]);
  });
});
