import { tracingChannel } from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { ClientClosedError, type ConnError, isConnError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { ApertureDBAuthenticationError, ApertureDBTransactionError } from '../../src/errors.js';
import { ApertureDBRestClient } from '../../src/rest/index.js';
import { startApertureDBTestServer } from '../../src/testing/index.js';
import { RawApertureDBClient } from '../support/raw-aperturedb-client.js';

async function restServer() {
  const server = await startApertureDBTestServer({ rest: true });
  const url = `http://127.0.0.1:${server.restPort as number}/api/`;
  return { server, url };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ConnError> {
  try {
    await promise;
  } catch (error) {
    if (isConnError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('ApertureDBRestClient against the test server', () => {
  it('authenticates once, sends blobs out and reads them back', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    const bytes = Uint8Array.from([0, 1, 2, 254, 255]);
    const stored = await db.query([{ AddBlob: { properties: { name: 'b' } } }], [bytes]);
    expect(stored.response).toEqual([{ AddBlob: { status: 0 } }]);
    const found = await db.query([
      { FindBlob: { constraints: { name: ['==', 'b'] }, blobs: true, results: { count: true } } },
    ]);
    expect(found.blobs.map((blob) => [...blob])).toEqual([[...bytes]]);
    expect(await db.ping()).toMatchObject({ host: '127.0.0.1', port: server.restPort });
    expect(db.stats().sessions).toEqual({ authenticate: 1, refresh: 0 });
    // The Bearer token went with every request after Authenticate.
    const tokens = server.receivedMessages.map((message) => message.token);
    expect(tokens[0]).toBeFalsy();
    expect(new Set(tokens.slice(1)).size).toBe(1);
    expect(tokens[1]).toBeTruthy();
  });

  it('gets a session the TCP protocol accepts too (sessions are the server’s, not the socket’s)', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    await db.query([{ AddEntity: { class: 'Person', properties: { name: 'Ada' } } }]);
    const token = server.receivedMessages.at(-1)?.token as string;
    const socket = await RawApertureDBClient.open(server.port, 'tcp');
    try {
      expect(
        await socket.query([{ FindEntity: { with_class: 'Person', results: { count: true } } }], token),
      ).toMatchObject([{ FindEntity: { count: 1 } }]);
    } finally {
      socket.destroy();
    }
  });

  it('fails at once with ApertureDBAuthenticationError for a wrong password, which no message shows', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    const password = 'wrong-password-7f3a';
    await using db = new ApertureDBRestClient({ url, user: 'admin', password, timeoutMs: 60_000 });
    const error = await rejectionOf(db.query([{ FindEntity: { results: { count: true } } }]));
    expect(error).toBeInstanceOf(ApertureDBAuthenticationError);
    expect(error.code).toBe('CONN_APERTUREDB_AUTH_FAILED');
    expect(server.requestCount).toBe(1);
    for (const shown of [error.message, JSON.stringify(error), inspect(error, { depth: 5 })])
      expect(shown).not.toContain(password);
  });

  it('authenticates again once when the server forgot the session (restart)', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    await db.ping();
    const before = server.receivedMessages.at(-1)?.token;
    server.restart();
    const { response } = await db.query([{ FindEntity: { results: { count: true } } }]);
    expect(response).toEqual([{ FindEntity: { status: 0, count: 0, returned: 0 } }]);
    expect(db.stats().sessions).toEqual({ authenticate: 2, refresh: 0 });
    expect(server.receivedMessages.at(-1)?.token).not.toBe(before);
  });

  it('refreshes a session about to expire with RefreshToken, sent without the Bearer header', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    // Sessions of 5 s are inside the default 10 s refresh margin: the next call refreshes.
    server.database.setSessionTtls({ sessionSeconds: 5 });
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    await db.ping();
    await db.ping();
    expect(db.stats().sessions).toEqual({ authenticate: 1, refresh: 1 });
    const refresh = server.receivedMessages.find((message) => message.json.includes('RefreshToken'));
    expect(refresh?.token).toBeFalsy();
    const [, first, , second] = server.receivedMessages.map((message) => message.token);
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
  });

  it('publishes calls on conn:aperturedb:<operation> with command names only', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    const seen: Record<string, unknown>[] = [];
    const channel = tracingChannel('conn:aperturedb:query');
    const handlers = {
      start: () => undefined,
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: (payload: unknown) => seen.push({ ...(payload as Record<string, unknown>) }),
      error: () => undefined,
    };
    channel.subscribe(handlers);
    try {
      await db.query([{ AddEntity: { class: 'Person', properties: { secret: 'value-9' } } }]);
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toEqual([
      expect.objectContaining({
        package: 'aperturedb',
        operation: 'query',
        statement: 'AddEntity',
        host: '127.0.0.1',
        port: server.restPort,
      }),
    ]);
    expect(JSON.stringify(seen)).not.toContain('value-9');
  });

  it('reports a command failure as ApertureDBTransactionError', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    const error = await rejectionOf(db.query([{ AddBlob: {} }]));
    expect(error).toBeInstanceOf(ApertureDBTransactionError);
  });

  it('never shows the password, API token or session token in inspect or JSON', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    const password = 'admin';
    await using db = new ApertureDBRestClient({ url, user: 'admin', password });
    await db.ping();
    const sessionToken = server.receivedMessages.at(-1)?.token as string;
    const shown = [inspect(db, { depth: 10 }), JSON.stringify(db)];
    for (const text of shown) {
      expect(text).toContain(`127.0.0.1:${server.restPort as number}`);
      expect(text).not.toContain(sessionToken);
      expect(text).not.toMatch(/password/i);
    }
    const apiToken = 'adbp_secretsecretsecretsecret';
    await using withToken = new ApertureDBRestClient({ url, token: apiToken });
    const refused = await rejectionOf(withToken.connect());
    expect(refused).toBeInstanceOf(ApertureDBAuthenticationError);
    for (const text of [
      inspect(withToken),
      JSON.stringify(withToken),
      refused.message,
      JSON.stringify(refused),
    ])
      expect(text).not.toContain(apiToken);
  });

  it('rejects every call after close() with ClientClosedError', async () => {
    const { server, url } = await restServer();
    await using _ = server;
    const db = new ApertureDBRestClient({ url, user: 'admin', password: 'admin' });
    await db.ping();
    await db.close();
    await db.close();
    expect(await rejectionOf(db.ping())).toBeInstanceOf(ClientClosedError);
  });

  it('fails with a typed error for an HTTP status other than 200', async () => {
    const { server } = await restServer();
    await using _ = server;
    await using db = new ApertureDBRestClient({
      url: `http://127.0.0.1:${server.restPort as number}/other/`,
    });
    const error = await rejectionOf(db.ping());
    expect(error.code).toBe('CONN_APERTUREDB_HTTP_STATUS');
    expect(error.details).toMatchObject({ httpStatus: 404, serverMessage: 'not found: POST /api/' });
  });
});
