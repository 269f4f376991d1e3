import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConnectionError, isConnError, TimeoutError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, rejectionOf, startClientAndServer } from '../support/client-server.js';

const fixturePath = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');
const CA = fixture('ca.pem');
const SERVER_TLS = { key: fixture('server-key.pem'), cert: fixture('server.pem') };
/** Far beyond how long a refused handshake takes: a test that ends before it proves no hang. */
const LONG_DEADLINE_MS = 30_000;

let env: ClientAndServer | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** A TLS server whose own client trusts the test CA. */
async function startTls(): Promise<ClientAndServer> {
  env = await startClientAndServer({ server: { tls: SERVER_TLS }, client: { tls: { ca: CA } } });
  return env;
}

describe('E6DataClient over TLS', () => {
  it('runs a query when it trusts the test CA given as text', async () => {
    const { client, server } = await startTls();
    expect(new URL(server.url).searchParams.get('secure')).toBe('true');
    const { rows } = await client.query<{ n: number }>('SELECT 41 + 1 AS n');
    expect(rows).toEqual([{ n: 42 }]);
    expect(server.callCount('authenticate')).toBe(1);
  });

  it('runs a query when it trusts the test CA given as a file', async () => {
    const { newClient } = await startTls();
    const client = newClient({ tls: { caFile: fixturePath('ca.pem') } });
    const { rows } = await client.query<{ s: string }>("SELECT 'over tls' AS s");
    expect(rows).toEqual([{ s: 'over tls' }]);
  });

  it('runs a query by IP address with servername localhost (the certificate names both)', async () => {
    const { newClient, server } = await startTls();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const client = newClient({ tls: { ca: CA, servername: 'localhost' } });
    const { rows } = await client.query<{ n: number }>('SELECT 7 AS n');
    expect(rows).toEqual([{ n: 7 }]);
  });

  it('fails with a ConnectionError, not a timeout, when it trusts only the system roots', async () => {
    const { newClient, server } = await startTls();
    const client = newClient({ tls: {}, timeoutMs: LONG_DEADLINE_MS });
    const error = await rejectionOf(client.query('SELECT 1 AS n'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(isConnError(error) && error.code).toBe('CONN_CONNECTION_FAILED');
    // The handshake was refused: no call reached the server.
    expect(server.callCount('authenticate')).toBe(0);
  });

  it('fails with a ConnectionError, not a hang, when it speaks plaintext to the TLS server', async () => {
    const { newClient, server } = await startTls();
    const client = newClient({ secure: false, timeoutMs: LONG_DEADLINE_MS });
    expect(client.toJSON().secure).toBe(false);
    const error = await rejectionOf(client.query('SELECT 1 AS n'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
    expect(isConnError(error) && error.code).toBe('CONN_CONNECTION_FAILED');
    expect(server.callCount('authenticate')).toBe(0);
  });

  it('after a refused handshake, a client that trusts the CA still works on the same server', async () => {
    const { client, newClient } = await startTls();
    const untrusting = newClient({ tls: {}, timeoutMs: LONG_DEADLINE_MS });
    expect(await rejectionOf(untrusting.query('SELECT 1 AS n'))).toBeInstanceOf(ConnectionError);
    const { rows } = await client.query<{ n: number }>('SELECT 2 AS n');
    expect(rows).toEqual([{ n: 2 }]);
  });
});
