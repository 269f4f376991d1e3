import { ClientClosedError, ConnError, TimeoutError } from '@conn/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer;

beforeEach(async () => {
  env = await startClientAndServer({ batchRows: 3 });
});

afterEach(async () => {
  await env.close();
});

describe('E6DataClient: explain, dry run, catalog, ping, connect and close', () => {
  it('explainAnalyse reports the timings of a query that ran', async () => {
    await using cursor = env.client.cursor('SELECT x FROM range(10) t(x)');
    await cursor.execute();
    const analysis = await cursor.explainAnalyse();
    expect(analysis.isCached).toBe(false);
    expect(analysis.planner).toEqual(JSON.parse(analysis.plannerText));
    expect(analysis.totalQueryTimeMs).toBeGreaterThanOrEqual(0);
    expect(analysis.plannerParsingTimeMs).toBeGreaterThanOrEqual(0);
    expect(analysis.executionQueueingTimeMs).toBe(0);
    expect(env.server.callCount('explainAnalyze')).toBe(1);
    // The rows are still there after the analysis.
    expect(await cursor.fetchAll()).toHaveLength(10);
  });

  it('dryRun sends the bound statement and returns the verdict without running it', async () => {
    const verdict = await env.client.dryRun('SELECT * FROM nowhere WHERE name = ?', ["O'Brien"]);
    expect(JSON.parse(verdict)).toEqual({
      isValid: true,
      queryString: "SELECT * FROM nowhere WHERE name = 'O''Brien'",
    });
    expect(env.server.callCount('dryRunV2')).toBe(1);
    expect(env.server.callCount('executeStatementV2')).toBe(0);
  });

  it('dryRun with a parameter it cannot bind rejects (never throws) and sends nothing', async () => {
    const before = env.server.calls.length;
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = env.client.dryRun('SELECT ?', [Number.NaN]);
    }).not.toThrow();
    const error = await rejectionOf(pending as Promise<string>);
    expect((error as { code?: string }).code).toBe('CONN_E6DATA_PARAMS');
    expect(env.server.calls.length).toBe(before);
  });

  it('lists schemas, tables and columns with their engine types', async () => {
    const { client } = env;
    await client.query('CREATE SCHEMA sales');
    await client.query(
      'CREATE TABLE sales.orders (id BIGINT, total DECIMAL(7,2), tags INTEGER[], note VARCHAR)',
    );
    expect(await client.getSchemaNames()).toEqual(expect.arrayContaining(['main', 'sales']));
    expect(await client.getTables('sales')).toEqual(['orders']);
    expect(await client.getTables()).toEqual([]); // the client's database, main
    expect(await client.getColumns('sales', 'orders')).toEqual([
      { name: 'id', type: 'long' },
      { name: 'total', type: 'decimal(7,2)' },
      { name: 'tags', type: 'array<int>' },
      { name: 'note', type: 'varchar' },
    ]);
  });

  it('connect authenticates once; ping then needs no new authentication', async () => {
    const { client, server } = env;
    await client.connect();
    expect(client.stats().authentications).toBe(1);
    expect(client.stats().strategy).toBe('blue');
    const pong = await client.ping();
    expect(pong.host).toBe('127.0.0.1');
    expect(pong.port).toBe(server.port);
    expect(pong.latencyMs).toBeGreaterThanOrEqual(0);
    await client.connect();
    expect(server.callCount('authenticate')).toBe(1);
  });

  it('after close() every call rejects with ClientClosedError, and close is idempotent', async () => {
    const { client, server } = env;
    await client.query('SELECT 1');
    await client.close();
    await client.close();
    expect(client.isClosed).toBe(true);
    const callsBefore = server.calls.length;
    const attempts: Promise<unknown>[] = [
      client.query('SELECT 1'),
      client.connect(),
      client.ping(),
      client.getSchemaNames(),
      client.getTables(),
      client.getColumns('main', 'x'),
      client.dryRun('SELECT 1'),
      client.cancel('q'),
      client.cursor('SELECT 1').fetchOne(),
    ];
    for (const attempt of attempts) {
      const error = await rejectionOf(attempt);
      expect(error).toBeInstanceOf(ClientClosedError);
      expect((error as ClientClosedError).code).toBe('CONN_CLIENT_CLOSED');
    }
    expect(server.calls.length).toBe(callsBefore);
  });

  it('close() lets a call in flight finish, then closes', async () => {
    const { client, server } = env;
    await client.connect();
    server.fault({ kind: 'delay', method: 'executeStatementV2', ms: 300 });
    const running = client.query<{ one: number }>('SELECT 1 AS one');
    await server.waitForCall('executeStatementV2', 1, { signal: AbortSignal.timeout(10_000) });
    await client.close();
    expect((await running).rows).toEqual([{ one: 1 }]);
  });

  it('close({ timeoutMs }) stops waiting for a stalled call, which then fails typed', async () => {
    const { client, server } = env;
    await client.connect();
    server.fault({ kind: 'stall', method: 'executeStatementV2' });
    const running = client.query('SELECT 1 AS one', undefined, { timeoutMs: 60_000 });
    await server.waitForCall('executeStatementV2', 1, { signal: AbortSignal.timeout(10_000) });
    await client.close({ timeoutMs: 50 });
    const error = await rejectionOf(running);
    expect(error).toBeInstanceOf(ConnError);
    expect(error).not.toBeInstanceOf(TimeoutError);
  });
});
