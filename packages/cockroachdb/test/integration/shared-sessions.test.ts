// Statements outside transactions share sessions through core's Pool (shared leases): pipelined up
// to `pipelineDepth` on one session once no other session can be had. A stalled test server keeps
// them in flight, so the pool's counters show how many ride on the session at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CockroachDBClient } from '../../src/index.js';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('statements share pipelined sessions', () => {
  let server: CockroachDBTestServer;

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
  });
  afterEach(async () => {
    server.clearFaults();
    await server.close();
  });

  /** Sends `count` statements while the server holds them; returns the pool counters, then the answers. */
  async function inFlight(
    db: CockroachDBClient,
    count: number,
  ): Promise<{ stats: object; answers: unknown[] }> {
    await db.connect();
    server.fault({ kind: 'stall' });
    const held = server.waitForHeldMessage();
    const pending = Array.from({ length: count }, (_, i) =>
      db.queryOne<{ i: number }>('SELECT $1::int AS i', [i]),
    );
    await held;
    const stats = db.stats();
    server.clearFaults();
    const answers = (await Promise.all(pending)).map((row) => row?.i);
    return { stats, answers };
  }

  it('pipelines up to 16 statements on one session by default; the rest wait for it', async () => {
    await using db = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 } });
    const { stats, answers } = await inFlight(db, 20);
    expect(stats).toMatchObject({ size: 1, sharedLeases: 16, waiting: 4, capacity: 16 });
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('pipelineDepth sets the depth; 1 sends one statement at a time', async () => {
    await using four = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 }, pipelineDepth: 4 });
    expect((await inFlight(four, 10)).stats).toMatchObject({ sharedLeases: 4, waiting: 6 });
    await using one = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 }, pipelineDepth: 1 });
    expect((await inFlight(one, 3)).stats).toMatchObject({ sharedLeases: 1, waiting: 2 });
  });

  it('takes a session of its own while the pool has room to open one', async () => {
    await using db = CockroachDBClient.fromUrl(server.url, { pool: { max: 3 } });
    server.fault({ kind: 'stall' });
    const first = db.query('SELECT 1 AS a');
    await expect.poll(() => db.stats()).toMatchObject({ sharedLeases: 1, pending: 0 });
    const second = db.query('SELECT 2 AS b');
    await expect.poll(() => db.stats()).toMatchObject({ sharedLeases: 2, pending: 0 });
    expect(db.stats()).toMatchObject({ size: 2, shared: 2 });
    server.clearFaults();
    expect(await Promise.all([first, second])).toEqual([[{ a: 1 }], [{ b: 2 }]]);
  });

  it('never pipelines onto a session a transaction holds', async () => {
    await using db = CockroachDBClient.fromUrl(server.url, { pool: { max: 1 } });
    const tx = await db.transaction();
    const statement = db.query('SELECT 3 AS c');
    await expect.poll(() => db.stats().waiting).toBe(1);
    expect(db.stats()).toMatchObject({ size: 1, sharedLeases: 0 });
    await tx.rollback();
    expect(await statement).toEqual([{ c: 3 }]);
  });
});
