import { AbortError, ConnError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

const wait = () => ({ signal: AbortSignal.timeout(10_000) });
/** Without a deadline of its own the read would wait for a stalled batch forever. */
const NO_DEADLINE = { client: { timeoutMs: Number.POSITIVE_INFINITY } };

/** Which settles first: the read or the close/cancel (before the fix, that: the read never did). */
function firstSettled(read: Promise<unknown>, stop: Promise<unknown>): Promise<'read' | 'stop'> {
  return Promise.race([read.then(() => 'read' as const), stop.then(() => 'stop' as const)]);
}

/** The read rejected with CONN_E6DATA_CURSOR_CLOSED because its own RPC was cancelled. */
function expectClosedRead(error: unknown): void {
  expect(error).toBeInstanceOf(ConnError);
  expect((error as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
  expect((error as ConnError).cause).toBeInstanceOf(AbortError);
}

describe('cursor.close() while a read waits for a batch the server does not send', () => {
  it('a read waiting for its first batch rejects at once, and the query is still cleared', async () => {
    env = await startClientAndServer({ batchRows: 3, ...NO_DEADLINE });
    const { client, server } = env;
    const cursor = client.cursor('SELECT x FROM range(10) t(x)');
    await cursor.execute();
    server.fault({ kind: 'stall', method: 'getNextResultBatch' });
    const pending = rejectionOf(cursor.fetchOne());
    await server.waitForCall('getNextResultBatch', 1, wait());
    const closing = cursor.close();
    expect(await firstSettled(pending, closing)).toBe('read');
    expectClosedRead(await pending);
    await closing;
    expect(server.callCount('clearOrCancelQuery')).toBe(1);
    await server.waitForOpenQueries(0, wait());
    // Later reads reject too, without a call.
    expect(((await rejectionOf(cursor.fetchMany(2))) as ConnError).code).toBe('CONN_E6DATA_CURSOR_CLOSED');
    expect(server.callCount('getNextResultBatch')).toBe(1);
  }, 15_000);

  it('a read waiting for the batch requested ahead rejects at once', async () => {
    const { server, cursor, pending } = await readWaitingForBatchAhead();
    const closing = cursor.close();
    expect(await firstSettled(pending, closing)).toBe('read');
    expectClosedRead(await pending);
    await closing;
    await server.waitForOpenQueries(0, wait());
    expect(server.callCount('getNextResultBatch')).toBe(3);
  }, 15_000);

  it('a for await loop waiting for a batch ends with CONN_E6DATA_CURSOR_CLOSED', async () => {
    env = await startClientAndServer({ batchRows: 3, ...NO_DEADLINE });
    const { client, server } = env;
    const cursor = client.cursor('SELECT x FROM range(10) t(x)');
    await cursor.execute();
    server.fault({ kind: 'stall', method: 'getNextResultBatch' });
    const loop = rejectionOf(
      (async () => {
        for await (const _row of cursor) {
          // no row comes: the first batch is stalled
        }
      })(),
    );
    await server.waitForCall('getNextResultBatch', 1, wait());
    const closing = cursor.close();
    expect(await firstSettled(loop, closing)).toBe('read');
    expectClosedRead(await loop);
    await closing;
    await server.waitForOpenQueries(0, wait());
  }, 15_000);
});

describe('cursor.cancel() while a read waits for the batch requested ahead', () => {
  it('the read rejects at once', async () => {
    const { server, cursor, pending } = await readWaitingForBatchAhead();
    const cancelling = cursor.cancel();
    expect(await firstSettled(pending, cancelling)).toBe('read');
    expectClosedRead(await pending);
    await cancelling;
    expect(server.callCount('cancelQuery')).toBe(1);
  }, 15_000);
});

/**
 * A cursor whose third batch (asked for ahead while the second was read) the server holds, and a
 * `fetchOne()` waiting for it.
 */
async function readWaitingForBatchAhead() {
  env = await startClientAndServer({ batchRows: 3, ...NO_DEADLINE });
  const { client, server } = env;
  const cursor = client.cursor('SELECT x FROM range(10) t(x)');
  // The first batch (rows 0-2) is read; the second was asked for ahead, before the stall.
  expect(await cursor.fetchOne()).toEqual({ x: 0 });
  await server.waitForCall('getNextResultBatch', 2, wait());
  server.fault({ kind: 'stall', method: 'getNextResultBatch' });
  // Rows 1-5: reading the second batch asks for the third, which the server holds.
  expect((await cursor.fetchMany(5)).length).toBe(5);
  await server.waitForCall('getNextResultBatch', 3, wait());
  const pending = rejectionOf(cursor.fetchOne());
  // The read makes no call of its own (its batch was asked for already): one turn of the event
  // loop lets it reach the wait for that batch.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { server, cursor, pending };
}
