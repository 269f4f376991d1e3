// ApertureDBClient over TCP and over the in-place TLS upgrade: the full flow (connect, session,
// write, read) on both; certificates verified by default; a refused protocol fails at once.
import { describe, expect, it } from 'vitest';
import type { ApertureDBClient } from '../../src/client.js';
import { ApertureDBErrorCode } from '../../src/errors.js';
import { entitiesOf, resultOf } from '../../src/response.js';
import { harness } from '../support/client-harness.js';
import { SELF_SIGNED_TLS, SERVER_TLS, TEST_CA } from '../support/tls-fixtures.js';

const { startServer, clientOf } = harness();

/** Connect, add two entities, find them back, ping: what every deployment must do. */
async function fullFlow(client: ApertureDBClient): Promise<void> {
  await client.connect();
  await client.query([
    { AddEntity: { class: 'Person', properties: { name: 'Ada', age: 36 } } },
    { AddEntity: { class: 'Person', properties: { name: 'Alan', age: 41 } } },
  ]);
  const { response } = await client.query([
    { FindEntity: { with_class: 'Person', results: { list: ['name'], sort: 'name' } } },
  ]);
  expect(entitiesOf(resultOf(response, 0))).toEqual([{ name: 'Ada' }, { name: 'Alan' }]);
  await client.ping();
  expect(client.stats().sessions).toEqual({ authenticate: 1, refresh: 0 });
}

describe('ApertureDBClient: TCP and TLS', () => {
  it('runs the full flow over cleartext TCP', async () => {
    const server = await startServer();
    const client = clientOf(server);
    await fullFlow(client);
    // Every query after the Authenticate carried the session token.
    expect(server.receivedMessages.slice(1).every((message) => message.token !== undefined)).toBe(true);
  });

  it('runs the full flow over TLS verified with the test CA', async () => {
    const server = await startServer({ tls: SERVER_TLS, protocols: 'tls' });
    const client = clientOf(server, { tls: { ca: TEST_CA } });
    await fullFlow(client);
    expect(server.receivedMessages.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a self-signed server certificate by default with CONN_TLS_FAILED, nothing sent', async () => {
    const server = await startServer({ tls: SELF_SIGNED_TLS, protocols: 'tls' });
    const client = clientOf(server);
    const error = await client.connect({ timeoutMs: 30_000 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ name: 'ConnectionError', code: 'CONN_TLS_FAILED' });
    expect(server.receivedMessages).toEqual([]);
  });

  it('accepts the self-signed certificate with tls.insecure', async () => {
    const server = await startServer({ tls: SELF_SIGNED_TLS, protocols: 'tls' });
    const client = clientOf(server, { tls: { insecure: true } });
    await fullFlow(client);
  });

  it('a TLS-only server asked for TCP fails at once with CONN_APERTUREDB_PROTOCOL_REJECTED', async () => {
    const server = await startServer({ tls: SERVER_TLS, protocols: 'tls' });
    const client = clientOf(server, { useSsl: false });
    // A one-hour deadline: a client that waited for it would fail the test by its own timeout.
    const error = await client.query([{ GetStatus: {} }], [], { timeoutMs: 3_600_000 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: ApertureDBErrorCode.PROTOCOL_REJECTED, retryable: false });
    expect(server.receivedMessages).toEqual([]);
  });
});
