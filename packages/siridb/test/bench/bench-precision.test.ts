// The benchmark writes its points in the database's own precision: before, it wrote millisecond
// stamps everywhere, and a seconds database refused them ("time-stamp which is out-of-range").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../../bench/insert-batch.js';
import { precisionOf, timestampClock } from '../../bench/timestamps.js';
import { SiriDBClient } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

describe('bench batches in the database precision', () => {
  let server: SiriDBTestServer;
  beforeAll(async () => {
    server = await startSiriDBTestServer({
      databases: [
        { name: 'secs', timePrecision: 's' },
        { name: 'nanos', timePrecision: 'ns' },
      ],
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['secs', 'nanos'])('a %s database takes the batches and holds every point', async (dbname) => {
    await using client = SiriDBClient.fromUrl(server.urlFor(dbname));
    const clock = timestampClock(precisionOf(await client.query('show time_precision')));
    const batch = buildBatch('bench.', 0, 1, clock);
    const result = await client.insert(batch);
    const expected = Object.values(batch).reduce((sum, points) => sum + points.length, 0);
    expect(result.pointCount).toBe(expected);
    expect(server.pointCount(dbname)).toBe(expected);
  });
});
