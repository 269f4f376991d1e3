// The test server's `stall` fault, driven by raw pg.Client sessions (real bytes over real sockets),
// with PostgreSQL itself as the witness of what was relayed.
import { ConfigError, ConnectionError } from '@conn/core';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CockroachDBFault,
  type CockroachDBTestServer,
  startCockroachDBTestServer,
} from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

/** Resolves once the server holds at least `count` client messages. */
async function heldAtLeast(server: CockroachDBTestServer, count: number): Promise<void> {
  // Checked and registered in one synchronous step, so no arrival falls between them.
  while (server.heldMessageCount < count) await server.waitForHeldMessage();
}

/** Tells whether a promise has settled, without waiting for it. */
function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return () => settled;
}

describe.skipIf(testDatabase.skipReason !== undefined)('CockroachDB test server: stall fault', () => {
  let server: CockroachDBTestServer;
  let clients: pg.Client[];
  let table: string;

  async function client(options: { pipeline?: boolean } = {}): Promise<pg.Client> {
    const created = new pg.Client({ connectionString: server.url, pipeline: options.pipeline ?? false });
    created.on('error', () => {});
    clients.push(created);
    await created.connect();
    return created;
  }

  /** A connection straight to PostgreSQL: what the server relayed is what it ran. */
  async function direct(): Promise<pg.Client> {
    const created = new pg.Client({ connectionString: databaseUrl() });
    created.on('error', () => {});
    clients.push(created);
    await created.connect();
    return created;
  }

  async function storedValues(): Promise<number[]> {
    const rows = (await (await direct()).query(`SELECT n FROM "${table}" ORDER BY id`)).rows;
    return rows.map((row: { n: number }) => row.n);
  }

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    clients = [];
    table = uniqueTable('stall');
    await (await direct()).query(`CREATE TABLE "${table}" (id BIGSERIAL PRIMARY KEY, n INT NOT NULL)`);
  });
  afterEach(async () => {
    await (await direct()).query(`DROP TABLE IF EXISTS "${table}"`);
    await Promise.all(clients.map((entry) => entry.end().catch(() => {})));
    await server.close();
  });

  it('holds statements after the handshake, unanswered and not relayed, on old and new sessions', async () => {
    const before = await client();
    server.fault({ kind: 'stall' });
    expect(server.heldMessageCount).toBe(0);

    const held = server.waitForHeldMessage();
    const first = before.query(`INSERT INTO "${table}" (n) VALUES (1)`);
    const firstSettled = settledFlag(first);
    await held;
    expect(server.heldMessageCount).toBeGreaterThan(0);

    // A session opened during the stall still connects and authenticates...
    const during = await client();
    const count = server.heldMessageCount;
    const second = during.query(`INSERT INTO "${table}" (n) VALUES (2)`);
    const secondSettled = settledFlag(second);
    // ...and its statement is held too.
    await heldAtLeast(server, count + 1);

    expect(await storedValues()).toEqual([]);
    expect(server.statements()).toEqual([]);
    expect(firstSettled()).toBe(false);
    expect(secondSettled()).toBe(false);

    server.clearFaults();
    expect(server.heldMessageCount).toBe(0);
    await expect(first).resolves.toMatchObject({ rowCount: 1 });
    await expect(second).resolves.toMatchObject({ rowCount: 1 });
    expect((await storedValues()).sort()).toEqual([1, 2]);
    expect(server.statements()).toEqual([
      `INSERT INTO "${table}" (n) VALUES (1)`,
      `INSERT INTO "${table}" (n) VALUES (2)`,
    ]);
    // Cleared: the next statement is answered at once.
    expect((await during.query('SELECT 3 AS n')).rows).toEqual([{ n: 3 }]);
  });

  it('clearFaults() relays the held messages of a session in the order they arrived', async () => {
    const session = await client({ pipeline: true });
    server.fault({ kind: 'stall' });
    const held = server.waitForHeldMessage();
    const inserts = [10, 20, 30, 40].map((n) =>
      session.query(`INSERT INTO "${table}" (n) VALUES ($1) RETURNING id, n`, [n]),
    );
    await held;
    expect(await storedValues()).toEqual([]);
    server.clearFaults();
    const results = await Promise.all(inserts);
    expect(results.map((result) => result.rows[0].n)).toEqual([10, 20, 30, 40]);
    expect(await storedValues()).toEqual([10, 20, 30, 40]);
  });

  it('a session that closes while stalled takes its held messages with it', async () => {
    const session = await client();
    server.fault({ kind: 'stall' });
    const held = server.waitForHeldMessage();
    const pending = session.query(`INSERT INTO "${table}" (n) VALUES (5)`).catch((error: unknown) => error);
    await held;
    expect(server.heldMessageCount).toBeGreaterThan(0);
    await session.end();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => server.sessions[0]?.open).toBe(false);
    expect(server.heldMessageCount).toBe(0);
    server.clearFaults();
    expect(await storedValues()).toEqual([]);
  });

  it('waitForHeldMessage() rejects with a ConnectionError when the server closes first', async () => {
    const waiting = server.waitForHeldMessage();
    await server.close();
    await expect(waiting).rejects.toBeInstanceOf(ConnectionError);
    await expect(server.waitForHeldMessage()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a fault of an unknown kind is a ConfigError and changes nothing the client sees', async () => {
    const session = await client();
    for (const [fault, field] of [
      [{ kind: 'stal' }, 'fault.kind'],
      [{ kind: 'stall', match: 'SELECT 1' }, 'fault.match'],
      [{ kind: 'stall', times: 1 }, 'fault.times'],
    ] as const) {
      let caught: unknown;
      try {
        server.fault(fault as unknown as CockroachDBFault);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(fault)).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field).toBe(field);
    }
    expect((await session.query('SELECT 7 AS n')).rows).toEqual([{ n: 7 }]);
    expect(server.heldMessageCount).toBe(0);
  });
});
