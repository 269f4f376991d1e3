// The CockroachDB behaviour server on its own, driven by a raw pg.Client (not our driver).
import { connect } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CockroachDBTestServer, startCockroachDBTestServer } from '../../src/testing/index.js';
import { databaseUrl, testDatabase, uniqueTable } from '../support/database.js';

const upstreamUrl = (): URL => new URL(databaseUrl());

describe.skipIf(testDatabase.skipReason !== undefined)('CockroachDB behaviour server', () => {
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

  /** A connection straight to PostgreSQL, to see what was really committed. */
  async function direct(): Promise<pg.Client> {
    const created = new pg.Client({ connectionString: upstreamUrl().toString().replace(/\?.*$/, '') });
    created.on('error', () => {});
    clients.push(created);
    await created.connect();
    return created;
  }

  beforeEach(async () => {
    server = await startCockroachDBTestServer({ upstream: databaseUrl() });
    clients = [];
    table = uniqueTable('behaviour');
    const setup = await direct();
    await setup.query(`CREATE TABLE "${table}" (id INT8 PRIMARY KEY)`);
  });
  afterEach(async () => {
    const cleanup = await direct();
    await cleanup.query(`DROP TABLE IF EXISTS "${table}"`);
    await Promise.all(clients.map((entry) => entry.end().catch(() => {})));
    await server.close();
  });

  it('relays SCRAM authentication and announces crdb_version before the first ReadyForQuery', async () => {
    const raw = new pg.Client({ connectionString: server.url });
    clients.push(raw);
    const seen = new Map<string, string>();
    (raw as unknown as { connection: NodeJS.EventEmitter }).connection.on(
      'parameterStatus',
      (message: { parameterName: string; parameterValue: string }) =>
        seen.set(message.parameterName, message.parameterValue),
    );
    await raw.connect();
    expect(seen.get('crdb_version')).toMatch(/^CockroachDB CCL v26\.2\.0/);
    expect(seen.get('server_version')).toMatch(/^\d+/);
    expect((await raw.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(server.sessions[0]?.backendPid).toBe((raw as unknown as { processID: number }).processID);
  });

  it('logs simple and parameterized statements in order, per session', async () => {
    const first = await client();
    await first.query('BEGIN');
    await first.query(`INSERT INTO "${table}" VALUES ($1)`, [1]);
    await first.query('COMMIT');
    const second = await client();
    await second.query('SELECT 2');
    expect(server.statements(1)).toEqual(['BEGIN', `INSERT INTO "${table}" VALUES ($1)`, 'COMMIT']);
    expect(server.statements(2)).toEqual(['SELECT 2']);
    expect(server.statements()).toHaveLength(4);
  });

  it('an injected 40001 puts the transaction in the aborted state until ROLLBACK TO SAVEPOINT', async () => {
    const session = await client();
    server.fault({
      kind: 'error',
      match: `INSERT INTO "${table}" VALUES ($1)`,
      sqlstate: '40001',
      message: 'restart transaction: x',
    });
    await session.query('BEGIN');
    await session.query('SAVEPOINT cockroach_restart');
    await expect(session.query(`INSERT INTO "${table}" VALUES ($1)`, [1])).rejects.toMatchObject({
      code: '40001',
    });
    expect(session.getTransactionStatus()).toBe('E');
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await expect(session.query(`SELECT $1::int`, [1])).rejects.toMatchObject({ code: '25P02' });
    await session.query('ROLLBACK TO SAVEPOINT cockroach_restart');
    expect(session.getTransactionStatus()).toBe('T');
    await session.query(`INSERT INTO "${table}" VALUES ($1)`, [2]);
    await session.query('RELEASE SAVEPOINT cockroach_restart');
    await session.query('COMMIT');
    expect(session.getTransactionStatus()).toBe('I');
    expect((await (await direct()).query(`SELECT id FROM "${table}"`)).rows).toEqual([{ id: '2' }]);
  });

  it('RELEASE of cockroach_restart is the commit point: the row is visible before COMMIT', async () => {
    const session = await client();
    await session.query('BEGIN');
    await session.query('SAVEPOINT cockroach_restart');
    await session.query(`INSERT INTO "${table}" VALUES (5)`);
    await session.query('RELEASE SAVEPOINT cockroach_restart');
    expect(session.getTransactionStatus()).toBe('T');
    expect((await (await direct()).query(`SELECT id FROM "${table}"`)).rows).toEqual([{ id: '5' }]);
    await expect(session.query('SELECT 1')).rejects.toMatchObject({ code: '25000' });
    await session.query('COMMIT');
    expect(session.getTransactionStatus()).toBe('I');
  });

  it('40003 with relayFirst on COMMIT: the commit happened, the client is told it is ambiguous', async () => {
    const session = await client();
    server.fault({
      kind: 'error',
      match: 'COMMIT',
      sqlstate: '40003',
      message: 'result is ambiguous',
      relayFirst: true,
    });
    await session.query('BEGIN');
    await session.query(`INSERT INTO "${table}" VALUES (7)`);
    await expect(session.query('COMMIT')).rejects.toMatchObject({ code: '40003' });
    expect(session.getTransactionStatus()).toBe('I');
    expect((await (await direct()).query(`SELECT id FROM "${table}"`)).rows).toEqual([{ id: '7' }]);
  });

  it("'kill-connection' at COMMIT: after = committed but the answer is lost; before = nothing committed", async () => {
    server.fault({ kind: 'kill-connection', match: 'COMMIT', phase: 'after' });
    const afterSession = await client();
    await afterSession.query('BEGIN');
    await afterSession.query(`INSERT INTO "${table}" VALUES (8)`);
    await expect(afterSession.query('COMMIT')).rejects.toThrow(/terminated|closed/i);
    server.fault({ kind: 'kill-connection', match: 'COMMIT', phase: 'before' });
    const beforeSession = await client();
    await beforeSession.query('BEGIN');
    await beforeSession.query(`INSERT INTO "${table}" VALUES (9)`);
    await expect(beforeSession.query('COMMIT')).rejects.toThrow(/terminated|closed/i);
    const check = await direct();
    await expect
      .poll(async () => (await check.query(`SELECT id FROM "${table}" ORDER BY id`)).rows)
      .toEqual([{ id: '8' }]);
  });

  it('inject_retry_errors_enabled: the savepoint protocol gets through after 3 retries; full restarts never do', async () => {
    const session = await client();
    await session.query('SET inject_retry_errors_enabled = true');
    await session.query('BEGIN');
    await session.query('SAVEPOINT cockroach_restart');
    let failures = 0;
    for (;;) {
      try {
        await session.query(`INSERT INTO "${table}" VALUES (10)`);
        break;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('40001');
        failures++;
        await session.query('ROLLBACK TO SAVEPOINT cockroach_restart');
      }
    }
    expect(failures).toBe(3);
    await session.query('RELEASE SAVEPOINT cockroach_restart');
    await session.query('COMMIT');

    let restarts = 0;
    for (let i = 0; i < 6; i++) {
      await session.query('BEGIN');
      const ok = await session.query(`INSERT INTO "${table}" VALUES (11)`).then(
        () => true,
        () => false,
      );
      await session.query('ROLLBACK');
      if (!ok) restarts++;
    }
    expect(restarts).toBe(6);
    await session.query('SET inject_retry_errors_enabled = false');
    await session.query('BEGIN');
    await session.query(`INSERT INTO "${table}" VALUES (11)`);
    await session.query('COMMIT');
  });

  it('forwards a CancelRequest to PostgreSQL', async () => {
    const session = await client();
    const { processID, secretKey } = session as unknown as { processID: number; secretKey: number };
    const running = session.query('SELECT pg_sleep(30)');
    await expect
      .poll(
        async () =>
          (
            await (
              await direct()
            ).query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'",
            )
          ).rows[0].n,
      )
      .toBe(1);
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80_877_102, 4);
    packet.writeInt32BE(processID, 8);
    packet.writeInt32BE(secretKey, 12);
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end(packet));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => resolve());
      socket.resume();
    });
    await expect(running).rejects.toMatchObject({ code: '57014' });
  });

  it('pipelined statements keep their order; an injected error fails only its statement', async () => {
    const session = await client({ pipeline: true });
    server.fault({ kind: 'error', match: 'SELECT $1::int + 1000 AS n', sqlstate: 'XX123', message: 'boom' });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        session.query(i === 7 ? 'SELECT $1::int + 1000 AS n' : 'SELECT $1::int AS n', [i]),
      ),
    );
    results.forEach((result, i) => {
      if (i === 7) expect(result).toMatchObject({ status: 'rejected', reason: { code: 'XX123' } });
      else expect(result).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: i }] } });
    });
  });
});
