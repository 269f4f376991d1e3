import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockroachDBClient } from '../../src/index.js';
import { openDatabase, testDatabase } from '../support/database.js';

// nextval() runs once per row the server produces, and a portal produces exactly the rows an
// Execute asks for: the sequence, read from a second session, shows the size of every read.
describe.skipIf(testDatabase.skipReason !== undefined)('adaptive portal batches against PostgreSQL', () => {
  let db: CockroachDBClient;
  let observer: CockroachDBClient;
  let sequence = 0;
  beforeAll(() => {
    db = openDatabase({ pool: { max: 1 }, streamBatchSize: 10 });
    observer = openDatabase({ pool: { max: 1 } });
  });
  afterAll(async () => {
    await db.close();
    await observer.close();
  });

  /** Consumes a stream of `select`, returning how many rows the server had produced after each `checkpoints` row. */
  async function producedAt(
    select: (counter: string) => string,
    checkpoints: number[],
    options: { batchSize?: number } = {},
  ): Promise<number[]> {
    const counter = `stream_adaptive_${process.pid}_${sequence++}`;
    await observer.execute(`CREATE SEQUENCE "${counter}"`);
    try {
      const produced: number[] = [];
      let seen = 0;
      for await (const _row of db.stream(select(counter), [], options)) {
        seen++;
        if (seen === checkpoints[produced.length]) {
          const row = await observer.queryOne<{ n: string }>(`SELECT last_value AS n FROM "${counter}"`);
          produced.push(Number(row?.n));
          if (produced.length === checkpoints.length) break;
        }
      }
      return produced;
    } finally {
      await observer.execute(`DROP SEQUENCE "${counter}"`);
    }
  }

  it('doubles the batch on every read when the caller set no batchSize', async () => {
    const produced = await producedAt(
      (counter) => `SELECT nextval('"${counter}"') AS v FROM generate_series(1, 100000)`,
      [10, 11, 31, 71, 151],
    );
    // Reads of 10, 20, 40, 80, 160 rows.
    expect(produced).toEqual([10, 30, 70, 150, 310]);
  });

  it('keeps an explicit batchSize exactly', async () => {
    const produced = await producedAt(
      (counter) => `SELECT nextval('"${counter}"') AS v FROM generate_series(1, 100000)`,
      [10, 11, 21, 31],
      { batchSize: 10 },
    );
    expect(produced).toEqual([10, 20, 30, 40]);
  });

  it('stops growing when a batch of rows this wide would pass 4 MiB', async () => {
    // Rows of about 1 MB: after the first read of 10, reads hold 4 rows.
    const produced = await producedAt(
      (counter) =>
        `SELECT nextval('"${counter}"') AS v, repeat('x', 1000000) AS wide FROM generate_series(1, 100)`,
      [10, 11, 15, 19],
    );
    expect(produced).toEqual([10, 14, 18, 22]);
  });
});
