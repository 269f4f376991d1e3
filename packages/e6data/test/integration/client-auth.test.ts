import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { E6DataAuthenticationError } from '../../src/errors.js';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer;

beforeEach(async () => {
  env = await startClientAndServer();
});

afterEach(async () => {
  await env.close();
});

const WRONG_TOKEN = 'wrong-token-s3cr3t';

describe('E6DataClient: authentication', () => {
  it('fails at once with E6DataAuthenticationError for a wrong token, never showing it', async () => {
    // A deadline far beyond the test's own timeout: only an immediate failure passes.
    const client = env.newClient({ password: WRONG_TOKEN, timeoutMs: 600_000 });
    const error = await rejectionOf(client.query('SELECT 1'));
    expect(error).toBeInstanceOf(E6DataAuthenticationError);
    const authError = error as E6DataAuthenticationError;
    expect(authError.code).toBe('CONN_E6DATA_AUTH_FAILED');
    expect(authError.retryable).toBe(false);
    expect(authError.message).not.toContain(WRONG_TOKEN);
    expect(JSON.stringify(authError)).not.toContain(WRONG_TOKEN);
    expect(inspect(authError, { depth: 10 })).not.toContain(WRONG_TOKEN);
    expect(inspect(client, { depth: 10 })).not.toContain(WRONG_TOKEN);
    expect(JSON.stringify(client)).not.toContain(WRONG_TOKEN);
    // Refused credentials are not retried.
    expect(env.server.callCount('authenticate')).toBe(1);
    expect(env.server.callCount('prepareStatementV2')).toBe(0);
  });

  it('connect() refuses a wrong token with the same error', async () => {
    const client = env.newClient({ password: WRONG_TOKEN });
    const error = await rejectionOf(client.connect());
    expect(error).toBeInstanceOf(E6DataAuthenticationError);
    expect((error as E6DataAuthenticationError).code).toBe('CONN_E6DATA_AUTH_FAILED');
  });

  it('re-authenticates once after the server forgot every session', async () => {
    const { client, server } = env;
    await client.query('SELECT 1');
    expect(client.stats().authentications).toBe(1);
    server.expireSessions();
    const { rows } = await client.query('SELECT 2 AS two');
    expect(rows).toEqual([{ two: 2 }]);
    expect(client.stats().authentications).toBe(2);
    expect(server.callCount('authenticate')).toBe(2);
  });

  it('re-authenticates once after an expire-session fault mid-run', async () => {
    const { client, server } = env;
    await client.query('SELECT 1');
    const before = client.stats().authentications;
    server.fault({ kind: 'expire-session' });
    const { rows } = await client.query('SELECT x FROM range(3) t(x) ORDER BY x');
    expect(rows).toEqual([{ x: 0 }, { x: 1 }, { x: 2 }]);
    expect(client.stats().authentications).toBe(before + 1);
    // And the new session keeps working without another authentication.
    await client.query('SELECT 3');
    expect(client.stats().authentications).toBe(before + 1);
  });

  it('a session lost in the middle of a stream fails that cursor with a typed error; the next query re-authenticates', async () => {
    const { client, server } = env;
    const cursor = client.cursor('SELECT x FROM range(100000) t(x)');
    expect(await cursor.fetchOne()).toEqual({ x: 0 });
    const before = client.stats().authentications;
    server.expireSessions();
    // Rows of a half-read query are never replayed behind the reader's back.
    const error = await rejectionOf(cursor.fetchAll());
    expect(error).toBeInstanceOf(E6DataAuthenticationError);
    expect((error as E6DataAuthenticationError).code).toBe('CONN_E6DATA_SESSION_INVALID');
    expect((error as E6DataAuthenticationError).retryable).toBe(true);
    expect((error as E6DataAuthenticationError).serverMessage).toContain('Access denied');
    const { rows } = await client.query('SELECT 5 AS five');
    expect(rows).toEqual([{ five: 5 }]);
    expect(client.stats().authentications).toBe(before + 1);
  });
});
