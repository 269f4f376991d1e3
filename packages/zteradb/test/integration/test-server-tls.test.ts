// The test server over TLS with the committed test CA (test/fixtures/tls): a client that trusts the
// CA works, one that does not, or that speaks plain TCP, fails with a typed error.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ConfigError, ConnError, ConnectionError } from '@conn/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ZTeraDBClient, type ZTeraDBClientOptions } from '../../src/index.js';
import { startZTeraDBTestServer, type ZTeraDBTestServer } from '../../src/testing/index.js';
import { ZTeraDBQuery } from '../../src/zql/index.js';
import { sampleDatabases } from '../support/fixtures.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');
const ca = fixture('ca.crt');
const serverTls = { key: fixture('server.key'), cert: fixture('server.crt') };

const servers: ZTeraDBTestServer[] = [];
const clients: ZTeraDBClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close({ timeoutMs: 1_000 });
  for (const server of servers.splice(0)) await server.close();
});

async function tlsServer(): Promise<ZTeraDBTestServer> {
  const server = await startZTeraDBTestServer({
    databases: sampleDatabases(),
    keys: [TEST_KEY],
    tls: serverTls,
  });
  servers.push(server);
  return server;
}

function clientOf(url: string, overrides: Partial<ZTeraDBClientOptions>): ZTeraDBClient {
  const client = ZTeraDBClient.fromUrl(url, { connectTimeoutMs: 5_000, timeoutMs: 5_000, ...overrides });
  clients.push(client);
  return client;
}

describe('ZTeraDB test server: TLS', () => {
  it('appends tls=true to its url', async () => {
    const server = await tlsServer();
    expect(server.url).toBe(
      `zteradb://${TEST_KEY.accessKey}:${TEST_KEY.secretKey}@127.0.0.1:${String(server.port)}/DB1?clientKey=${TEST_KEY.clientKey}&env=dev&tls=true`,
    );
  });

  it('serves a client that trusts the test CA', async () => {
    const server = await tlsServer();
    const client = clientOf(server.url, { tls: { ca } });
    expect(await client.count(ZTeraDBQuery('user').count())).toBe(3);
    expect(server.acceptedCount).toBe(1);
    expect(server.queryCount).toBe(1);
    expect(server.receivedFrames.map((received) => received.frame.request_type)).toEqual([1, 5]);
  });

  it('really encrypts: a raw TLS socket verifies the certificate for 127.0.0.1 against the CA', async () => {
    const server = await tlsServer();
    const socket = tls.connect({ host: '127.0.0.1', port: server.port, ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subjectaltname).toBe('DNS:localhost, IP Address:127.0.0.1');
    socket.destroy();
  });

  it('a client with tls=true and no CA fails with a typed ConnError, and the server stays up', async () => {
    const server = await tlsServer();
    const client = clientOf(server.url, { tls: true });
    const error = await client.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnError).code).toBe('CONN_TLS_FAILED');
    expect(server.acceptedCount).toBe(0);
    expect(await clientOf(server.url, { tls: { ca } }).count(ZTeraDBQuery('user').count())).toBe(3);
  });

  it('a plain client against the TLS server fails with a typed ConnError within its timeout', async () => {
    const server = await tlsServer();
    const plainUrl = server.url.replace('&tls=true', '');
    const client = clientOf(plainUrl, { connectTimeoutMs: 2_000, timeoutMs: 2_000 });
    const error = await client.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnError);
    expect((error as ConnError).code).toMatch(/^CONN_/);
    expect(server.acceptedCount).toBe(0);
    expect(server.receivedFrames).toEqual([]);
  });

  it('refuses tls options without a key or certificate (ConfigError)', async () => {
    await expect(
      startZTeraDBTestServer({
        databases: sampleDatabases(),
        keys: [TEST_KEY],
        tls: { key: serverTls.key, cert: undefined as unknown as string },
      }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
