import { ConfigError, ConnError, ProtocolError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { E6DataClient } from '../../src/client.js';
import type { E6DataClientOptions } from '../../src/options.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

/** Ten rows in batches of three: several getNextResultBatch calls. */
const TEN_ROWS = 'SELECT x FROM range(10) t(x) ORDER BY x';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('E6DataCursor: a cursor that failed or was closed mid-result never reports the end', () => {
  it('a read after a timed-out read rejects with CONN_E6DATA_CURSOR_CLOSED, not null or []', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    const cursor = client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchMany(3)).toHaveLength(3);
    server.fault({ kind: 'delay', method: 'getNextResultBatch', ms: 5_000, times: 1 });
    // The batch requested ahead is delayed; reading past it needs it.
    const timeout = await rejectionOf(cursor.fetchMany(4, { timeoutMs: 300 }));
    expect(timeout).toBeInstanceOf(TimeoutError);
    // Rows 3..9 were never handed out: the cursor must not say the result ended.
    const afterOne = await rejectionOf(cursor.fetchOne());
    expect(afterOne).toBeInstanceOf(ConnError);
    expect((afterOne as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect((afterOne as ConnError).cause).toBe(timeout);
    const afterAll = await rejectionOf(cursor.fetchAll());
    expect((afterAll as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
  });

  it('a read after a malformed batch rejects instead of ending the result early', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    server.fault({ kind: 'malformed-chunk', afterBatches: 1 });
    const cursor = client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchOne()).toEqual({ x: 0 });
    const malformed = await rejectionOf(cursor.fetchAll());
    expect(malformed).toBeInstanceOf(ProtocolError);
    const next = await rejectionOf(cursor.fetchMany(2));
    expect((next as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect((next as ConnError).cause).toBe(malformed);
  });

  it('a read after close() in the middle of the result rejects once the rows received are read', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const cursor = env.client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchOne()).toEqual({ x: 0 });
    await cursor.close();
    // The rows of the batch already received are real rows; what follows is not "the end".
    expect(await cursor.fetchMany(2)).toEqual([{ x: 1 }, { x: 2 }]);
    const error = await rejectionOf(cursor.fetchOne());
    expect((error as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
  });

  it('a result read to its end and then closed still ends with null', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const cursor = env.client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchAll()).toHaveLength(10);
    await cursor.close();
    expect(await cursor.fetchOne()).toBeNull();
    expect(await cursor.fetchAll()).toEqual([]);
  });
});

describe('E6DataClient: a statement that is not a string is a typed error', () => {
  for (const sql of [undefined, null, 42, { text: 'SELECT 1' }]) {
    it(`query(${JSON.stringify(sql) ?? 'undefined'}) and dryRun reject with ConfigError, cursor throws it`, async () => {
      env = await startClientAndServer();
      const { client } = env;
      const bad = sql as unknown as string;
      for (const error of [
        await rejectionOf(client.query(bad)),
        await rejectionOf(client.dryRun(bad)),
        await rejectionOf(Promise.resolve().then(() => client.cursor(bad))),
      ]) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).code).toBe('CONN_CONFIG');
        expect((error as ConfigError).field).toBe('sql');
      }
    });
  }
});

describe('E6DataCursor: close() while the execute is unanswered returns without waiting for it', () => {
  const wait = { signal: AbortSignal.timeout(10_000) };

  it('close() during a stalled execute clears the query and the pending read rejects CURSOR_CLOSED', async () => {
    // No deadline: before the fix, close() waited for an execute the server never answers.
    env = await startClientAndServer({ client: { timeoutMs: Number.POSITIVE_INFINITY } });
    const { client, server } = env;
    server.fault({ kind: 'stall', method: 'executeStatementV2' });
    const cursor = client.cursor('SELECT 1 AS one');
    const pending = rejectionOf(cursor.fetchOne());
    await server.waitForCall('executeStatementV2', 1, wait);
    const queryId = cursor.queryId;
    expect(queryId).toBeDefined();
    await cursor.close();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnError);
    expect((error as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    // The server forgets the query, as for any closed cursor.
    await server.waitForOpenQueries(0, wait);
    const clears = server.calls.filter(
      (call) => call.method === 'clearOrCancelQuery' && call.request?.queryId === queryId,
    );
    expect(clears).toHaveLength(1);
    // The cursor stays closed and the client goes on.
    expect(((await rejectionOf(cursor.fetchOne())) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    server.clearFaults();
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('close() during a long-running execute stops the statement on the server', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const cursor = client.cursor('SELECT count(*) AS n FROM range(1000000000000) a(x) WHERE x % 7 = 3');
    const pending = rejectionOf(cursor.execute());
    await server.waitForCall('executeStatementV2', 1, wait);
    const queryId = cursor.queryId as string;
    await cursor.close();
    expect(((await pending) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    await server.waitForOpenQueries(0, wait);
    expect(server.cancelledQueryIds).toContain(queryId);
  });

  it('close() during a stalled prepare returns, and the query prepared later is cleared', async () => {
    env = await startClientAndServer({ client: { timeoutMs: Number.POSITIVE_INFINITY } });
    const { client, server } = env;
    server.fault({ kind: 'stall', method: 'prepareStatementV2', times: 1 });
    const cursor = client.cursor('SELECT 1 AS one');
    const pending = rejectionOf(cursor.execute());
    await server.waitForCall('prepareStatementV2', 1, wait);
    await cursor.close();
    expect(((await pending) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    // The prepare answers late: its query is never executed and is cleared on the server.
    server.clearFaults();
    await server.waitForCall('clearOrCancelQuery', 1, wait);
    await server.waitForOpenQueries(0, wait);
    expect(server.callCount('executeStatementV2')).toBe(0);
  });
});

describe('E6DataClient: options that are not an object are a typed error', () => {
  for (const options of [null, 42, 'e6data://host', true, []]) {
    it(`new E6DataClient(${JSON.stringify(options)}) throws ConfigError`, async () => {
      const error = rejectionOf(
        Promise.resolve().then(() => new E6DataClient(options as unknown as E6DataClientOptions)),
      );
      await expect(error).resolves.toBeInstanceOf(ConfigError);
      const config = (await error) as ConfigError;
      expect(config.code).toBe('CONN_CONFIG');
      expect(config.field).toBe('options');
      expect(config.message).toContain('options must be an object');
    });
  }
});
