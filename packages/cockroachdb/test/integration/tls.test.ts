import { describe, expect, it } from 'vitest';
import { CockroachDBClient } from '../../src/index.js';
import { databaseUrl, testDatabase } from '../support/database.js';
import { startTlsRelay, tlsFixtures } from '../support/tls-relay.js';

function upstream(): { host: string; port: number } {
  const url = new URL(databaseUrl());
  return { host: url.hostname, port: Number(url.port || 5432) };
}

function through(port: number, host: string, query: string): CockroachDBClient {
  const url = new URL(databaseUrl());
  url.hostname = host;
  url.port = String(port);
  url.search = query;
  return CockroachDBClient.fromUrl(url.toString(), {
    connectTimeoutMs: 5_000,
    pool: { acquireTimeoutMs: 5_000 },
  });
}

describe.skipIf(testDatabase.skipReason !== undefined)(
  'TLS modes (a TLS front with the test certificates)',
  () => {
    it('verifies the certificate by default: an unknown CA is refused', async () => {
      await using relay = await startTlsRelay(upstream());
      await using db = through(relay.port, '127.0.0.1', '');
      await expect(db.connect()).rejects.toMatchObject({ code: 'CONN_TLS_FAILED' });
    });

    it('verify-full with the CA (sslrootcert) connects and runs statements over TLS', async () => {
      await using relay = await startTlsRelay(upstream());
      await using db = through(
        relay.port,
        'localhost',
        `?sslmode=verify-full&sslrootcert=${encodeURIComponent(tlsFixtures.caPath)}`,
      );
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect(relay.tlsSessions()).toBe(1);
    });

    it('verify-full refuses a certificate for another host name; verify-ca accepts it', async () => {
      await using relay = await startTlsRelay(upstream());
      await using full = CockroachDBClient.fromUrl(databaseUrl(), {
        port: relay.port,
        tls: { mode: 'verify-full', ca: tlsFixtures.ca, servername: 'db.example.com' },
      });
      await expect(full.connect()).rejects.toMatchObject({ code: 'CONN_TLS_FAILED' });
      await using ca = CockroachDBClient.fromUrl(databaseUrl(), {
        port: relay.port,
        tls: { mode: 'verify-ca', ca: tlsFixtures.ca, servername: 'db.example.com' },
      });
      expect(await ca.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    });

    it('require encrypts without checking the certificate', async () => {
      await using relay = await startTlsRelay(upstream());
      await using db = through(relay.port, '127.0.0.1', '?sslmode=require');
      expect(await db.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
      expect(relay.tlsSessions()).toBe(1);
    });

    it('a server without TLS: verify-full fails clearly, prefer falls back to plain text', async () => {
      const plain = new URL(databaseUrl());
      await using strict = through(Number(plain.port), plain.hostname, '?sslmode=verify-full');
      await expect(strict.connect()).rejects.toMatchObject({ code: 'CONN_TLS_FAILED' });
      await using prefer = through(Number(plain.port), plain.hostname, '?sslmode=prefer');
      expect(await prefer.query('SELECT 4 AS four')).toEqual([{ four: 4 }]);
    });
  },
);
