import { type ConnError, ConnectionError, ProtocolError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { E6DataQueryError, E6DataServerError } from '../../src/errors.js';
import { E6DataGrpcStatus } from '../../src/testing/index.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

/** A bound on every wait for the server: a new signal per wait. */
const bounded = (): { signal: AbortSignal } => ({ signal: AbortSignal.timeout(10_000) });
/** Ten rows in batches of three: several getNextResultBatch calls. */
const TEN_ROWS = 'SELECT x FROM range(10) t(x) ORDER BY x';

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** The clearOrCancelQuery calls the server received for `queryId`. */
function clearsOf(server: ClientAndServer['server'], queryId: string | undefined): number {
  expect(queryId).toBeTruthy();
  return server.calls.filter(
    (call) => call.method === 'clearOrCancelQuery' && call.request?.queryId === queryId,
  ).length;
}

/** The client still works: a fresh query returns its row. */
async function expectNextQueryWorks(client: ClientAndServer['client']): Promise<void> {
  const { rows } = await client.query<{ n: number }>('SELECT 5 AS n');
  expect(rows).toEqual([{ n: 5 }]);
}

describe('E6DataClient: faults of the server', () => {
  it('a malformed chunk after one batch is a ProtocolError, the query is cleared, the client goes on', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    server.fault({ kind: 'malformed-chunk', afterBatches: 1 });
    const cursor = client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchOne()).toEqual({ x: 0 });
    const error = await rejectionOf(cursor.fetchAll());
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('CONN_E6DATA_MALFORMED_CHUNK');
    await server.waitForOpenQueries(0, bounded());
    expect(clearsOf(server, cursor.queryId)).toBe(1);
    await expectNextQueryWorks(client);
  });

  it('a stream dropped mid-result is a ConnError with a stable code, the query is cleared, the client goes on', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    server.fault({ kind: 'drop-mid-batch', afterBatches: 1 });
    const cursor = client.cursor<{ x: number }>(TEN_ROWS);
    expect(await cursor.fetchOne()).toEqual({ x: 0 });
    const error = await rejectionOf(cursor.fetchAll());
    // grpc-js reports a reset stream as INTERNAL "Received RST_STREAM": the connection, not the engine.
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnError).code).toBe('CONN_CONNECTION_CLOSED');
    expect((error as ConnError).details['written']).toBe(true);
    expect((error as ConnError).message).toContain('getNextResultBatch');
    await server.waitForOpenQueries(0, bounded());
    expect(clearsOf(server, cursor.queryId)).toBe(1);
    await expectNextQueryWorks(client);
  });

  it('INTERNAL from execute is an E6DataQueryError with the server code and message', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    server.fault({
      kind: 'grpc-error',
      method: 'executeStatementV2',
      code: E6DataGrpcStatus.INTERNAL,
      message: 'Table not found: x',
      times: 1,
    });
    const error = await rejectionOf(client.query('SELECT * FROM x'));
    expect(error).toBeInstanceOf(E6DataQueryError);
    const queryError = error as E6DataQueryError;
    expect(queryError.code).toBe('CONN_E6DATA_QUERY_FAILED');
    expect(queryError.serverCode).toBe(13);
    expect(queryError.serverMessage).toBe('Table not found: x');
    expect(queryError.message).toContain('Table not found: x');
    // The server kept the prepared query whose execute failed: the client clears it.
    await server.waitForOpenQueries(0, bounded());
    await expectNextQueryWorks(client);
  });

  it('NOT_FOUND from execute is an E6DataServerError', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    server.fault({
      kind: 'grpc-error',
      method: 'executeStatementV2',
      code: E6DataGrpcStatus.NOT_FOUND,
      message: 'Query not found: q-1',
      times: 1,
    });
    const error = await rejectionOf(client.query('SELECT 1 AS n'));
    expect(error).toBeInstanceOf(E6DataServerError);
    const serverError = error as E6DataServerError;
    expect(serverError.code).toBe('CONN_E6DATA_SERVER');
    expect(serverError.serverCode).toBe(5);
    expect(serverError.serverMessage).toBe('Query not found: q-1');
    await expectNextQueryWorks(client);
  });

  it('a batch slower than the deadline is a TimeoutError and the query is cleared', async () => {
    env = await startClientAndServer({ batchRows: 3 });
    const { client, server } = env;
    server.fault({ kind: 'delay', method: 'getNextResultBatch', ms: 60_000 });
    const error = await rejectionOf(client.query(TEN_ROWS, undefined, { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('CONN_TIMEOUT');
    await server.waitForOpenQueries(0, bounded());
    expect(server.callCount('clearOrCancelQuery')).toBe(1);
    server.clearFaults();
    await expectNextQueryWorks(client);
  });

  it('a stalled authenticate fails by the connect timeout, well inside the call deadline', async () => {
    env = await startClientAndServer();
    const { newClient, server } = env;
    server.fault({ kind: 'stall', method: 'authenticate' });
    const client = newClient({ connectTimeoutMs: 200, timeoutMs: 60_000 });
    const error = await rejectionOf(client.query('SELECT 1 AS n'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('CONN_E6DATA_RPC_DEADLINE');
    expect(server.callCount('prepareStatementV2')).toBe(0);
    server.clearFaults();
    await expectNextQueryWorks(client);
  });

  it('a refused statement quoting a secret never shows the secret', async () => {
    env = await startClientAndServer();
    const { client, server } = env;
    const statement = "CREATE SECRET s (TYPE s3, KEY_ID 'AKIA123', SECRET 'hunter2hunter2')";
    server.fault({
      kind: 'grpc-error',
      method: 'prepareStatementV2',
      code: E6DataGrpcStatus.INTERNAL,
      message: `Parser Error: cannot run "${statement}"`,
      times: 1,
    });
    const error = await rejectionOf(client.query(statement));
    expect(error).toBeInstanceOf(E6DataQueryError);
    const queryError = error as E6DataQueryError;
    // The refusal came from the fault: the statement text reached the error, masked.
    expect(queryError.serverMessage).toContain('CREATE SECRET s');
    expect(queryError.serverMessage).not.toContain('hunter2hunter2');
    expect(queryError.message).not.toContain('hunter2hunter2');
    expect(JSON.stringify(queryError)).not.toContain('hunter2hunter2');
    expect(String(queryError.stack)).not.toContain('hunter2hunter2');
  });
});
