import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { startupOptionsOf } from '../../src/connection.js';
import { CockroachDBClient, parseCockroachUrl } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';
import { planTls } from '../../src/tls-config.js';

describe('parseCockroachUrl', () => {
  it('reads host, port, database, user and a percent-encoded password with URL special characters', () => {
    const options = parseCockroachUrl(
      'postgresql://app%20user:p%40ss%3Aw%2Fo%23rd%3F@db.example.com:26258/shop',
    );
    expect(options).toMatchObject({
      host: 'db.example.com',
      port: 26258,
      database: 'shop',
      user: 'app user',
    });
    expect((options.password as Secret).reveal()).toBe('p@ss:w/o#rd?');
  });

  it('understands every parameter CockroachDB documents', () => {
    const options = parseCockroachUrl(
      'postgres://root@localhost/defaultdb?sslmode=verify-full&sslrootcert=%2Fcerts%2Fca.crt&sslcert=c.crt&sslkey=c.key' +
        '&options=--cluster%3Dfoo-123%20-c%20search_path%3Dapp&application_name=billing&results_buffer_size=65536' +
        '&connect_timeout=7&password=s%26cret',
    );
    expect(options).toMatchObject({
      tls: { mode: 'verify-full', caFile: '/certs/ca.crt', certFile: 'c.crt', keyFile: 'c.key' },
      startupOptions: '--cluster=foo-123 -c search_path=app',
      applicationName: 'billing',
      resultsBufferSize: 65_536,
      connectTimeoutMs: 7_000,
    });
    expect((options.password as Secret).reveal()).toBe('s&cret');
    expect(parseCockroachUrl('cockroachdb://h/d?connect_timeout=0').connectTimeoutMs).toBeUndefined();
  });

  it('refuses unknown parameters, bad values and foreign schemes', () => {
    expect(() => parseCockroachUrl('postgresql://h/d?sslmdoe=disable')).toThrow(
      expect.objectContaining({ field: 'url.sslmdoe' }),
    );
    expect(() => parseCockroachUrl('postgresql://h/d?results_buffer_size=-1')).toThrow(ConfigError);
    expect(() => parseCockroachUrl('postgresql://h/d?connect_timeout=soon')).toThrow(ConfigError);
    expect(() => parseCockroachUrl('postgresql://h/d?host=a,,b')).toThrow(
      expect.objectContaining({ field: 'url.host' }),
    );
    expect(() => parseCockroachUrl('postgresql://h/d?port=1,2')).toThrow(
      expect.objectContaining({ field: 'url.port' }),
    );
    expect(() => parseCockroachUrl('mysql://h/d')).toThrow(ConfigError);
  });

  it('never shows the password in errors or in the client', () => {
    const url = 'postgresql://u:hunter2-secret@h:1/d?bogus=1';
    const error = (() => {
      try {
        parseCockroachUrl(url);
      } catch (caught) {
        return caught;
      }
    })();
    for (const text of [String(error), JSON.stringify(error), inspect(error)])
      expect(text).not.toContain('hunter2-secret');
    const db = CockroachDBClient.fromUrl('postgresql://u:hunter2-secret@h:1/d');
    expect(inspect(db)).not.toContain('hunter2-secret');
    expect(JSON.stringify(db)).not.toContain('hunter2-secret');
  });
});

describe('resolveOptions', () => {
  it('applies the documented defaults (secure TLS, CockroachDB port and database)', () => {
    expect(resolveOptions()).toMatchObject({
      host: 'localhost',
      port: 26257,
      database: 'defaultdb',
      user: 'root',
      tls: { mode: 'verify-full' },
      pool: { min: 0, max: 10, idleTimeoutMs: 300_000, maxLifetimeMs: 1_800_000, lifetimeJitterMs: 60_000 },
      int8: 'string',
      streamBatchSize: 1000,
      pipelineDepth: 16,
    });
    expect(resolveOptions({ password: 'x' }).password).toBeInstanceOf(Secret);
  });

  it('names the bad field', () => {
    const cases: [object, string][] = [
      [{ pool: { max: 0 } }, 'pool.max'],
      [{ pool: { min: 5, max: 2 } }, 'pool.min'],
      [{ port: 'x' }, 'port'],
      [{ tls: { mode: 'bogus' } }, 'tls.mode'],
      [{ int8: 'number' }, 'int8'],
      [{ sessionSettings: { 'a b': '1' } }, 'sessionSettings'],
      [{ host: '' }, 'host'],
      [{ password: 5 }, 'password'],
      // Groups and TLS settings of the wrong type: each would be ignored or fail every connect.
      [{ tls: 'verify-full' }, 'tls'],
      [{ tls: null }, 'tls'],
      [{ pool: 5 }, 'pool'],
      [{ pool: [] }, 'pool'],
      [{ tls: { ca: 5 } }, 'tls.ca'],
      [{ tls: { cert: {} } }, 'tls.cert'],
      [{ tls: { key: 7 } }, 'tls.key'],
      [{ tls: { caFile: 1 } }, 'tls.caFile'],
      [{ tls: { servername: false } }, 'tls.servername'],
    ];
    for (const [options, field] of cases) {
      expect(() => resolveOptions(options as never), field).toThrow(expect.objectContaining({ field }));
    }
  });

  it('startup options: the raw string, then one -c per setting with spaces and backslashes escaped', () => {
    const resolved = resolveOptions({
      startupOptions: '--cluster=x',
      sessionSettings: { search_path: 'a b', note: 'c\\d' },
    });
    expect(startupOptionsOf(resolved)).toBe('--cluster=x -c search_path=a\\ b -c note=c\\\\d');
    expect(startupOptionsOf(resolveOptions())).toBeUndefined();
  });
});

describe('planTls (libpq sslmode meanings)', () => {
  it('disable and allow are plain; prefer may fall back; require does not verify', async () => {
    expect(await planTls({ mode: 'disable' })).toEqual({ ssl: false, plainFallback: false });
    expect(await planTls({ mode: 'allow' })).toEqual({ ssl: false, plainFallback: false });
    expect(await planTls({ mode: 'prefer' })).toEqual({
      ssl: { rejectUnauthorized: false },
      plainFallback: true,
    });
    expect(await planTls({ mode: 'require' })).toEqual({
      ssl: { rejectUnauthorized: false },
      plainFallback: false,
    });
  });

  it('require with a CA verifies the chain like verify-ca; verify-full also checks the name', async () => {
    const requireWithCa = await planTls({ mode: 'require', ca: 'PEM' });
    expect(requireWithCa.ssl).toMatchObject({ ca: 'PEM', rejectUnauthorized: true });
    expect(
      (requireWithCa.ssl as { checkServerIdentity: () => unknown }).checkServerIdentity(),
    ).toBeUndefined();
    const full = await planTls({ mode: 'verify-full', ca: 'PEM', servername: 'db' });
    expect(full.ssl).toEqual({ ca: 'PEM', servername: 'db', rejectUnauthorized: true });
  });

  it('reads PEM files, and a missing file is a ConfigError with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conn-tls-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
      const plan = await planTls({
        mode: 'verify-full',
        caFile: join(dir, 'ca.pem'),
        key: new Secret('KEY'),
      });
      expect(String((plan.ssl as { ca: Buffer }).ca)).toBe('CA PEM');
      expect((plan.ssl as { key: string }).key).toBe('KEY');
      await expect(planTls({ mode: 'verify-full', caFile: join(dir, 'missing.pem') })).rejects.toThrow(
        expect.objectContaining({ field: 'tls.ca', message: expect.stringContaining('missing.pem') }),
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
