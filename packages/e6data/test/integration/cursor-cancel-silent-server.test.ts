import { ConnError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Runs for hours unless interrupted: a test that ends proves the engine stopped it. */
const LONG_SQL = 'SELECT count(*) AS n FROM range(1000000000000) a(x) WHERE x % 7 = 3';
const wait = () => ({ signal: AbortSignal.timeout(10_000) });
/** Without a deadline of its own the cursor would wait for a silent server forever. */
const NO_DEADLINE = { client: { timeoutMs: Number.POSITIVE_INFINITY } };

/** Which settles first: the read or the cancel (neither, before the fix: the test times out). */
function firstSettled(read: Promise<unknown>, cancel: Promise<unknown>): Promise<'read' | 'cancel'> {
  return Promise.race([read.then(() => 'read' as const), cancel.then(() => 'cancel' as const)]);
}

describe('cursor.cancel() against a server that never answers cancelQuery', () => {
  it('a read waiting for a stalled batch rejects at once; cancel() gives up within its bound', async () => {
    env = await startClientAndServer({ batchRows: 3, ...NO_DEADLINE });
    const { client, server } = env;
    const cursor = client.cursor('SELECT x FROM range(10) t(x)');
    await cursor.execute();
    server.fault({ kind: 'stall', method: 'getNextResultBatch' });
    server.fault({ kind: 'stall', method: 'cancelQuery' });
    const pending = rejectionOf(cursor.fetchOne());
    await server.waitForCall('getNextResultBatch', 1, wait());
    const started = performance.now();
    const cancelling = rejectionOf(cursor.cancel());
    expect(await firstSettled(pending, cancelling)).toBe('read');
    const error = await pending;
    expect(error).toBeInstanceOf(ConnError);
    expect((error as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    await server.waitForCall('cancelQuery', 1, wait());
    // The cancel was sent, and is not waited for beyond its bound (2 s).
    const failure = await cancelling;
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.callCount('cancelQuery')).toBe(1);
    // Later reads reject too, without a call.
    expect(((await rejectionOf(cursor.fetchOne())) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect(server.callCount('getNextResultBatch')).toBe(1);
  }, 15_000);

  it('a read waiting for a long execute rejects at once, and the statement is still stopped', async () => {
    env = await startClientAndServer(NO_DEADLINE);
    const { client, server } = env;
    server.fault({ kind: 'stall', method: 'cancelQuery' });
    const cursor = client.cursor(LONG_SQL);
    const pending = rejectionOf(cursor.execute());
    await server.waitForCall('executeStatementV2', 1, wait());
    const queryId = cursor.queryId as string;
    const cancelling = rejectionOf(cursor.cancel());
    expect(await firstSettled(pending, cancelling)).toBe('read');
    expect(((await pending) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect(await cancelling).toBeInstanceOf(TimeoutError);
    // The unanswered cancel is followed by the clean-up, which stops the statement.
    await server.waitForOpenQueries(0, wait());
    expect(server.cancelledQueryIds).toContain(queryId);
  }, 15_000);

  it('cancel() is bounded by its own shorter deadline too', async () => {
    env = await startClientAndServer({ batchRows: 3, ...NO_DEADLINE });
    const { client, server } = env;
    const cursor = client.cursor('SELECT x FROM range(10) t(x)');
    await cursor.execute();
    server.fault({ kind: 'stall', method: 'cancelQuery' });
    const started = performance.now();
    expect(await rejectionOf(cursor.cancel({ timeoutMs: 200 }))).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1_500);
  }, 15_000);
});
