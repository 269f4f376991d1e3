import { afterEach, describe, expect, it } from 'vitest';
import { SiriDBClient } from '../../src/index.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';

const servers: SiriDBTestServer[] = [];
const clients: SiriDBClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('audit fixes', () => {
  it("a query converting precision is not failed by another query's abort during the shared precision lookup", async () => {
    const server = await startSiriDBTestServer();
    servers.push(server);
    const client = SiriDBClient.fromUrl(server.url);
    clients.push(client);
    await client.insert({ temp: [[1_700_000_000_123, 1]] });
    const queriesBefore = server.requestCounts['query'] ?? 0;

    const first = new AbortController();
    const aborted = client.query('select * from "temp"', { timePrecision: 's', signal: first.signal });
    const other = client.query('select * from "temp"', { timePrecision: 's' });
    // Both selects are answered; the `show time_precision` lookup that follows is held.
    await server.waitForRequestCount('query', queriesBefore + 2);
    server.fault({ kind: 'stall' });
    await server.waitForRequestCount('query', queriesBefore + 3);
    first.abort(new Error('only the first query'));
    await expect(aborted).rejects.toMatchObject({ code: 'CONN_ABORTED' });
    server.clearFaults();

    await expect(other).resolves.toEqual({ temp: [[1_700_000_000, 1]] });
  });

  it('a query that changes data is not sent again after its connection was lost: it may have been applied', async () => {
    const server = await startSiriDBTestServer();
    servers.push(server);
    const client = SiriDBClient.fromUrl(server.url, { maxWaitRetryMs: 50 });
    clients.push(client);
    await client.ping();
    // The server applies the query, then the connection breaks before the whole answer is read.
    server.fault({ kind: 'drop-mid-response', requests: 'query', times: 1 });

    await expect(client.query('create user "bob" set password "pass1234"')).rejects.toMatchObject({
      code: 'CONN_CONNECTION_CLOSED',
      retryable: false,
      details: { mayHaveExecuted: true },
    });
    expect(server.requestCounts['query']).toBe(1);
    const users = (await client.query('list users')) as { users: string[][] };
    expect(users.users.map(([name]) => name)).toContain('bob');
  });

  it('a query that only reads is still sent again after its connection was lost', async () => {
    const server = await startSiriDBTestServer();
    servers.push(server);
    const client = SiriDBClient.fromUrl(server.url, { maxWaitRetryMs: 50 });
    clients.push(client);
    await client.insert({ temp: [[1_700_000_000_123, 1]] });
    server.fault({ kind: 'drop-mid-response', requests: 'query', times: 1 });

    await expect(client.query('select * from "temp"')).resolves.toEqual({ temp: [[1_700_000_000_123, 1]] });
    expect(server.requestCounts['query']).toBe(2);
  });
});
