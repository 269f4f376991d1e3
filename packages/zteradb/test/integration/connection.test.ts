// ZTeraDBConnection against the test server: handshake, every answer shape, server errors, and
// what an early exit leaves behind.
import { inspect } from 'node:util';
import { Secret } from '@conn/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZTeraDBConnection, type ZTeraDBQueryEvent } from '../../src/connection.js';
import { ZTeraDBAuthenticationError, ZTeraDBQueryError } from '../../src/errors.js';
import { optionsFromUrl, resolveOptions, type ZTeraDBClientOptions } from '../../src/options.js';
import { type JsonObject, RequestType } from '../../src/protocol/index.js';
import { planQuery, type QueryPlan, type ZTeraDBQueryInput } from '../../src/query-plan.js';
import {
  startZTeraDBTestServer,
  type ZTeraDBTestServer,
  type ZTeraDBTestServerOptions,
} from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { sampleDatabases } from '../support/fixtures.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

const servers: ZTeraDBTestServer[] = [];
const connections: ZTeraDBConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function startServer(options: Partial<ZTeraDBTestServerOptions> = {}): Promise<ZTeraDBTestServer> {
  const server = await startZTeraDBTestServer({ databases: sampleDatabases(), keys: [TEST_KEY], ...options });
  servers.push(server);
  return server;
}

async function open(
  server: ZTeraDBTestServer,
  overrides: Partial<ZTeraDBClientOptions> = {},
): Promise<ZTeraDBConnection> {
  const connection = await ZTeraDBConnection.open(resolveOptions(optionsFromUrl(server.url, overrides)));
  connections.push(connection);
  return connection;
}

type FlatEvent = { type: 'row'; row: JsonObject } | Exclude<ZTeraDBQueryEvent, { type: 'rows' }>;

/** The answer's events with each batch of rows spread into one event per row. */
async function eventsOf(connection: ZTeraDBConnection, query: ZTeraDBQueryInput): Promise<FlatEvent[]> {
  const events: FlatEvent[] = [];
  for await (const event of connection.query(planOf(query))) {
    if (event.type === 'rows') events.push(...event.rows.map((row) => ({ type: 'row' as const, row })));
    else events.push(event);
  }
  return events;
}

const planOf = (query: ZTeraDBQueryInput): QueryPlan =>
  planQuery(query, ['select', 'count', 'insert', 'update', 'delete']);

const framesOfType = (server: ZTeraDBTestServer, type: number) =>
  server.receivedFrames.filter((received) => received.frame.request_type === type);

describe('ZTeraDBConnection', () => {
  it('connects with a signed CONNECT, keeps the token secret, and streams rows', async () => {
    const server = await startServer();
    const connection = await open(server);
    const connect = framesOfType(server, RequestType.CONNECT);
    expect(connect).toHaveLength(1);
    expect(connect[0]?.frame).toMatchObject({ client_key: TEST_KEY.clientKey, database_id: 'DB1' });
    const token = connection.session.accessToken.reveal();
    expect(token.length).toBeGreaterThan(0);
    expect(inspect(connection)).not.toContain(token);

    const events = await eventsOf(connection, ZTeraDBQuery('user').select().sort('id'));
    expect(events).toEqual([
      { type: 'row', row: { id: 1, email: 'john.doe@example.com', status: true } },
      { type: 'row', row: { id: 2, email: 'ann@example.com', status: false } },
      { type: 'row', row: { id: 3, email: 'bob@example.org', status: true } },
    ]);
    const [query] = framesOfType(server, RequestType.QUERY);
    expect(query?.frame).toMatchObject({ access_token: token, database_id: 'DB1', query: { sh: 'user' } });
    expect(connection.isReusable).toBe(true);
  });

  it('returns the results of count, insert, update and delete, and stays reusable after each', async () => {
    const server = await startServer();
    const connection = await open(server);
    expect(await eventsOf(connection, ZTeraDBQuery('user').count().filter({ status: true }))).toEqual([
      { type: 'result', result: { count: 2 } },
    ]);
    expect(connection.isReusable).toBe(true);
    expect(
      await eventsOf(
        connection,
        ZTeraDBQuery('user').insert().fields({ email: 'eve@example.com', status: false }),
      ),
    ).toEqual([{ type: 'result', result: { lastInsertId: 4 } }]);
    expect(connection.isReusable).toBe(true);
    expect(
      await eventsOf(connection, ZTeraDBQuery('user').update().fields({ status: true }).filter({ id: 2 })),
    ).toEqual([{ type: 'result', result: { isUpdated: true } }]);
    expect(await eventsOf(connection, ZTeraDBQuery('user').delete().filter({ id: 3 }))).toEqual([
      { type: 'result', result: { isDeleted: true } },
    ]);
    expect(connection.isReusable).toBe(true);
    expect(server.rows('DB1', 'user')?.map((row) => [row.id, row.status])).toEqual([
      [1, true],
      [2, true],
      [4, false],
    ]);
  });

  it('refuses a wrong secret with a ZTeraDBAuthenticationError carrying the server code, no secret shown', async () => {
    const server = await startServer();
    const wrong = 'wrong-secret-value-1234';
    const error = await ZTeraDBConnection.open(
      resolveOptions(optionsFromUrl(server.url, { secretKey: new Secret(wrong) })),
    ).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ZTeraDBAuthenticationError);
    expect(error).toMatchObject({ code: 'CONN_ZTERADB_AUTH_FAILED', serverCode: 1280 });
    const shown = `${String(error)} ${inspect(error)} ${JSON.stringify(error)}`;
    for (const secret of [wrong, TEST_KEY.secretKey, TEST_KEY.accessKey]) expect(shown).not.toContain(secret);
    // The refused socket is not left open.
    await vi.waitFor(() => expect(server.connectionCount).toBe(0));
  });

  it('turns a server error frame into a ZTeraDBQueryError and stops reusing the connection', async () => {
    const server = await startServer();
    const connection = await open(server);
    const bad = { sh: 'user', qt: 2, fc: [{ operator: '<>', operand: 'id', result: 1 }] } as never;
    const error = await eventsOf(connection, bad).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ZTeraDBQueryError);
    expect(error).toMatchObject({ serverCode: 0x0100, serverMessage: expect.any(String) });
    expect(connection.isOpen).toBe(true);
    expect(connection.isReusable).toBe(false);
  });

  it('sends CANCEL and closes after a break mid-stream; a fresh connection then works', async () => {
    const big = Array.from({ length: 20_000 }, (_, id) => ({ id, text: 'x'.repeat(40) }));
    const server = await startServer({ databases: { DB1: { ...sampleDatabases().DB1, big } } });
    const connection = await open(server);
    const seen: number[] = [];
    for await (const event of connection.query(planOf({ sh: 'big', qt: 2 }))) {
      if (event.type === 'rows') seen.push(...event.rows.map((row) => row.id as number));
      if (seen.length >= 2) break;
    }
    expect(seen.slice(0, 2)).toEqual([0, 1]);
    expect(connection.isReusable).toBe(false);
    await vi.waitFor(() => expect(framesOfType(server, RequestType.CANCEL)).toHaveLength(1));
    expect(framesOfType(server, RequestType.CANCEL)[0]?.frame).toEqual({
      query: 'cancel',
      request_type: RequestType.CANCEL,
    });
    await connection.closed;
    expect(connection.isOpen).toBe(false);
    await vi.waitFor(() => expect(server.connectionCount).toBe(0));

    const fresh = await open(server);
    const rows = await eventsOf(fresh, ZTeraDBQuery('user').count());
    expect(rows).toEqual([{ type: 'result', result: { count: 3 } }]);
    expect(fresh.isReusable).toBe(true);
  });

  it('reads the short rest of an answer after a break and keeps the connection, without CANCEL', async () => {
    // More rows than one batch (the transport decodes 512 ahead), fewer than the drain reads.
    const small = Array.from({ length: 1_000 }, (_, id) => ({ id }));
    const server = await startServer({ databases: { DB1: { ...sampleDatabases().DB1, small } } });
    const connection = await open(server);
    const seen: number[] = [];
    for await (const event of connection.query(planOf({ sh: 'small', qt: 2 }))) {
      if (event.type === 'rows') seen.push(...event.rows.map((row) => row.id as number));
      if (seen.length >= 2) break;
    }
    expect(seen.slice(0, 2)).toEqual([0, 1]);
    // The answer was not over at the break: its rest was read and dropped.
    expect(seen.length).toBeLessThan(1_000);
    expect(connection.isReusable).toBe(true);
    expect(framesOfType(server, RequestType.CANCEL)).toHaveLength(0);
    // The next answer on the same socket is the next query's, not the rest of the first one.
    expect(await eventsOf(connection, ZTeraDBQuery('user').count())).toEqual([
      { type: 'result', result: { count: 3 } },
    ]);
  });

  it('keeps a single result when QUERY_COMPLETE never follows it, and closes that connection', async () => {
    const server = await startServer({ completeAfterSingleResult: false });
    const connection = await open(server, { completeGraceMs: 50 });
    expect(await eventsOf(connection, ZTeraDBQuery('user').count())).toEqual([
      { type: 'result', result: { count: 3 } },
    ]);
    expect(connection.isReusable).toBe(false);
    await connection.closed;
    expect(connection.isOpen).toBe(false);
  });
});
