import { ConfigError, ConnError, ProtocolError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
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
