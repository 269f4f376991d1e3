import { AbortError, ConnError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { E6DataQueryError } from '../../src/errors.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Runs for hours unless interrupted: a test that ends proves the engine stopped it. */
const LONG_SQL = 'SELECT count(*) AS n FROM range(1000000000000) a(x) WHERE x % 7 = 3';
const BOUND = { timeout: 10_000, interval: 10 };

/** The query id the server gave the `index`-th execute it received. */
async function executedQueryId(env: ClientAndServer, index = 1): Promise<string> {
  await env.server.waitForCall('executeStatementV2', index, { signal: AbortSignal.timeout(10_000) });
  const executes = env.server.calls.filter((call) => call.method === 'executeStatementV2');
  return String(executes[index - 1]?.request?.queryId);
}

describe('E6DataClient: abort, cancel and deadline', () => {
  it('an abort while a batch is in flight rejects with AbortError and clears the query', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    const controller = new AbortController();
    const cursor = client.cursor('SELECT x FROM range(10) t(x)', undefined, { signal: controller.signal });
    await cursor.fetchOne();
    const queryId = cursor.queryId as string;
    server.fault({ kind: 'stall', method: 'getNextResultBatch' });
    // Beyond the batch in hand and the one requested ahead: a stalled batch must be waited for.
    const pending = cursor.fetchMany(9);
    await server.waitForCall('getNextResultBatch', 2, { signal: AbortSignal.timeout(10_000) });
    const reason = new Error('user gave up');
    controller.abort(reason);
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('CONN_ABORTED');
    expect((error as AbortError).cause).toBe(reason);
    await server.waitForOpenQueries(0, { signal: AbortSignal.timeout(10_000) });
    const clears = server.calls.filter(
      (call) => call.method === 'clearOrCancelQuery' && call.request?.queryId === queryId,
    );
    expect(clears).toHaveLength(1);
  });

  it('an abort between reads of a for await loop rejects with AbortError and clears the query', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    const controller = new AbortController();
    const read: number[] = [];
    const loop = (async () => {
      for await (const row of client.stream<{ x: number }>(
        'SELECT x FROM range(10) t(x) ORDER BY x',
        undefined,
        {
          signal: controller.signal,
        },
      )) {
        read.push(row.x);
        if (row.x === 4) controller.abort(new Error('enough'));
      }
    })();
    const error = await rejectionOf(loop);
    expect(error).toBeInstanceOf(AbortError);
    // Row 5 was fetched in the same batch as 4 but is not handed out after the abort.
    expect(read).toEqual([0, 1, 2, 3, 4]);
    await server.waitForOpenQueries(0, { signal: AbortSignal.timeout(10_000) });
    expect(server.callCount('clearOrCancelQuery')).toBe(1);
  });

  it('client.cancel(queryId) stops a running query on the server', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const running = rejectionOf(client.query(LONG_SQL));
    const queryId = await executedQueryId(env);
    await client.cancel(queryId);
    const error = await running;
    expect(error).toBeInstanceOf(E6DataQueryError);
    expect((error as E6DataQueryError).serverMessage).toContain('cancelled');
    expect(server.cancelledQueryIds).toContain(queryId);
    expect(server.callCount('cancelQuery')).toBe(1);
    // The client goes on.
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('cursor.cancel() during a long execute cancels it on the server at once', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const cursor = client.cursor(LONG_SQL);
    const running = rejectionOf(cursor.execute());
    const queryId = await executedQueryId(env);
    expect(cursor.queryId).toBe(queryId);
    await cursor.cancel();
    // The read does not wait for the server's answer to the execute: the cancel closed the cursor.
    const error = await running;
    expect(error).toBeInstanceOf(ConnError);
    expect((error as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect(server.cancelledQueryIds).toContain(queryId);
    const cancels = server.calls.filter((call) => call.method === 'cancelQuery');
    expect(cancels.map((call) => [call.request?.queryId, call.metadata.plannerip])).toEqual([
      [queryId, '127.0.0.1'],
    ]);
  });

  it('an abort during a long execute rejects with AbortError and the server cancels the statement', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const controller = new AbortController();
    const running = rejectionOf(client.query(LONG_SQL, undefined, { signal: controller.signal }));
    const queryId = await executedQueryId(env);
    controller.abort();
    const error = await running;
    expect(error).toBeInstanceOf(AbortError);
    await vi.waitFor(() => expect(server.cancelledQueryIds).toContain(queryId), BOUND);
  });

  it('the deadline of a long query rejects with TimeoutError and the server cancels the statement', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const error = await rejectionOf(client.query(LONG_SQL, undefined, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('CONN_TIMEOUT');
    expect((error as TimeoutError).details.timeoutMs).toBe(300);
    const queryId = await executedQueryId(env);
    await vi.waitFor(() => expect(server.cancelledQueryIds).toContain(queryId), BOUND);
  });
});
