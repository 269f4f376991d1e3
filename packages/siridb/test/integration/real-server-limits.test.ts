// Runs against a real SiriDB when CONN_SIRIDB_URL is set (siridb://user:pass@host:port/db): refused
// logins for every call, the 40 MiB package limit, and insertMany(). Wrong credentials are made
// from the URL. Series get a unique prefix and are dropped afterwards. Run it once with a seconds
// database too (…/dbs): one test needs a timestamp the server refuses, which only exists there.
import { ConfigError, type ConnError } from '@conn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InsertError,
  insertManyReport,
  SiriDBAuthenticationError,
  SiriDBClient,
  type SiriDBPoint,
  SiriDBQueryError,
} from '../../src/index.js';
import { encodeInsert } from '../../src/insert-data.js';
import { SERVER_MAX_PACKAGE_BYTES } from '../../src/protocol/package.js';
import { type SiriDBTestServer, startSiriDBTestServer } from '../../src/testing/index.js';
import { recordChannel } from '../support/events.js';

const url = process.env['CONN_SIRIDB_URL'];
if (!url) console.warn('real SiriDB limit tests skipped: CONN_SIRIDB_URL is not set');

const prefix = `conn.limits.${process.pid}.${Date.now()}.`;
const prefixRegex = `/${prefix.replace(/\./g, '\\.')}.*/`;
const WRONG_PASSWORD = `conn-wrong-${process.pid}`;
const DEADLINE_MS = 60_000;

function rejection(promise: Promise<unknown>): Promise<ConnError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as ConnError,
  );
}

const calls: readonly [string, (db: SiriDBClient) => Promise<unknown>][] = [
  ['query()', (db) => db.query('show version', { timeoutMs: DEADLINE_MS })],
  ['insert()', (db) => db.insert({ [`${prefix}auth`]: [[1, 1]] }, { timeoutMs: DEADLINE_MS })],
  ['insertMany()', (db) => db.insertMany({ [`${prefix}auth`]: [[1, 1]] }, { timeoutMs: DEADLINE_MS })],
  ['ping()', (db) => db.ping({ timeoutMs: DEADLINE_MS })],
];

describe.skipIf(!url)('refused logins against a real SiriDB (CONN_SIRIDB_URL)', () => {
  const opened: SiriDBClient[] = [];
  let refusing: SiriDBTestServer;
  beforeAll(async () => {
    // A second host that refuses whatever the URL's login is: it has no such database.
    refusing = await startSiriDBTestServer({ databases: [{ name: 'conn_refuses_everyone' }] });
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close({ timeoutMs: 0 })));
    await refusing.close();
  });
  function open(overrides: Parameters<typeof SiriDBClient.fromUrl>[1] = {}): SiriDBClient {
    const client = SiriDBClient.fromUrl(url as string, overrides);
    opened.push(client);
    return client;
  }
  function withRefusingHost(overrides: Parameters<typeof SiriDBClient.fromUrl>[1] = {}): SiriDBClient {
    const real = SiriDBClient.fromUrl(url as string).hosts;
    return open({
      ...overrides,
      hostlist: [
        { host: refusing.host, port: refusing.port },
        ...real.map(({ host, port }) => ({ host, port })),
      ],
    });
  }

  describe.each(calls)('%s', (_name, call) => {
    it('a wrong password fails at once with SiriDBAuthenticationError', async () => {
      const error = await rejection(call(open({ password: WRONG_PASSWORD })));
      expect(error).toBeInstanceOf(SiriDBAuthenticationError);
      expect(error.code).toBe('CONN_SIRIDB_AUTH_FAILED');
      expect(error.message).not.toContain(WRONG_PASSWORD);
    });

    it('an unknown database fails at once with CONN_SIRIDB_UNKNOWN_DATABASE', async () => {
      const error = await rejection(call(open({ dbname: `conn_missing_${process.pid}` })));
      expect(error).toBeInstanceOf(SiriDBAuthenticationError);
      expect(error.code).toBe('CONN_SIRIDB_UNKNOWN_DATABASE');
    });

    it('every host refusing fails at once', async () => {
      const error = await rejection(call(withRefusingHost({ password: WRONG_PASSWORD })));
      expect(error).toBeInstanceOf(SiriDBAuthenticationError);
    });

    it('one of two hosts refusing: the call goes to the real server', async () => {
      const db = withRefusingHost();
      await db.connect();
      await expect(call(db)).resolves.toBeDefined();
      expect(db.hosts[0]?.lastError).toBeInstanceOf(SiriDBAuthenticationError);
    });
  });
});

describe.skipIf(!url)('the package limit and insertMany() against a real SiriDB (CONN_SIRIDB_URL)', () => {
  const client = url ? SiriDBClient.fromUrl(url, { insertTimeoutMs: 120_000 }) : undefined;
  const db = client as SiriDBClient;
  let precision: string;
  /** A timestamp of now in the database's precision. */
  let now: number;

  beforeAll(async () => {
    const shown = (await db.query('show time_precision'))['data'] as { value: string }[];
    precision = shown[0]?.value as string;
    now = Math.floor(Date.now() / { s: 1000, ms: 1, us: 0.001, ns: 0.000001 }[precision as 's']);
  });
  afterAll(async () => {
    await db.query(`drop series ${prefixRegex} set ignore_threshold true`).catch(() => {});
    await client?.close();
  });

  function points(n: number, from = 0): SiriDBPoint[] {
    return Array.from({ length: n }, (_, i): SiriDBPoint => [now + from + i, (from + i) * 0.5 + 0.25]);
  }

  async function storedPoints(): Promise<number> {
    const counts = await db.query(`select count() from ${prefixRegex}`);
    return Object.values(counts).reduce(
      (sum: number, list) => sum + ((list as [number, number][])[0]?.[1] ?? 0),
      0,
    );
  }

  it('an insert over 40 MiB is refused before sending; the connection stays up', async () => {
    await db.connect();
    using disconnects = recordChannel('conn:siridb:host:disconnect');
    const error = await rejection(
      db.insert({ [`${prefix}big`]: [[now, 'x'.repeat(SERVER_MAX_PACKAGE_BYTES)]] }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error.details['limit']).toBe(SERVER_MAX_PACKAGE_BYTES);
    await expect(db.insert({ [`${prefix}after`]: [[now, 1]] })).resolves.toMatchObject({ pointCount: 1 });
    expect(disconnects.messages).toEqual([]);
  });

  it('a query over 40 MiB is refused before sending; one over 65,535 bytes gets the server\'s "Query too long."', async () => {
    using disconnects = recordChannel('conn:siridb:host:disconnect');
    const huge = await rejection(db.query(`select * from "${'a'.repeat(SERVER_MAX_PACKAGE_BYTES)}"`));
    expect(huge).toBeInstanceOf(ConfigError);
    expect(huge.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    const long = await rejection(db.query(`select * from "${'a'.repeat(70_000)}"`));
    expect(long).toBeInstanceOf(SiriDBQueryError);
    expect(long.message).toBe('Query too long.');
    expect(disconnects.messages).toEqual([]);
  });

  it('an insert of exactly 40 MiB is accepted (the limit is not one byte too strict)', async () => {
    // float points in many series: one huge string value crashes SiriDB 2.0.55 in its shard writer
    const perSeries = encodeInsert({ [`${prefix}full.00000`]: points(500) }).payload.length;
    const data: Record<string, SiriDBPoint[]> = {};
    const seriesCount = Math.floor((SERVER_MAX_PACKAGE_BYTES - 40_000) / perSeries);
    for (let s = 0; s < seriesCount; s++) data[`${prefix}full.${String(s).padStart(5, '0')}`] = points(500);
    // one more series whose name takes up the bytes left
    let fill = 10_000;
    let size = 0;
    for (let attempt = 0; attempt < 5 && size !== SERVER_MAX_PACKAGE_BYTES; attempt++) {
      const filled = { ...data, [`${prefix}fill.${'f'.repeat(fill)}`]: points(1) };
      size = encodeInsert(filled).payload.length;
      if (size === SERVER_MAX_PACKAGE_BYTES) {
        const result = await db.insert(filled);
        expect(result.pointCount).toBe(seriesCount * 500 + 1);
      }
      fill += SERVER_MAX_PACKAGE_BYTES - size;
    }
    expect(size).toBe(SERVER_MAX_PACKAGE_BYTES);
    await db.query(`drop series /${prefix.replace(/\./g, '\\.')}(full|fill)\\..*/ set ignore_threshold true`);
  }, 120_000);

  it('insertMany() sends 200,000 points in 20 requests, in sequence and 4 at a time', async () => {
    const before = await storedPoints();
    const data: Record<string, SiriDBPoint[]> = {};
    for (let s = 0; s < 20; s++) data[`${prefix}many.${s}`] = points(10_000);
    await expect(db.insertMany(data)).resolves.toEqual({
      requests: 20,
      seriesCount: 20,
      pointCount: 200_000,
    });
    expect(await storedPoints()).toBe(before + 200_000);
    const later: Record<string, SiriDBPoint[]> = {};
    for (let s = 0; s < 20; s++) later[`${prefix}many.${s}`] = points(10_000, 20_000);
    await expect(db.insertMany(later, { concurrency: 4 })).resolves.toMatchObject({ requests: 20 });
    expect(await storedPoints()).toBe(before + 400_000);
  });

  it('insertMany(): a request the server refuses stops the rest and the error says which were applied', async (context) => {
    if (precision !== 's') {
      console.warn(
        `skipped: needs a seconds database (CONN_SIRIDB_URL has precision ${precision}); run with …/dbs`,
      );
      context.skip();
    }
    const before = await storedPoints();
    const series = points(50);
    series[25] = [2 ** 32, 1]; // out of range for a seconds database: request 3 is refused
    const error = await rejection(
      db.insertMany({ [`${prefix}refused`]: series }, { maxPointsPerRequest: 10 }),
    );
    expect(error).toBeInstanceOf(InsertError);
    expect(error.details).toMatchObject({
      appliedRequests: '1-2',
      refusedRequests: '3',
      notSentRequests: '4-5',
      mayHaveExecuted: true,
    });
    expect(await storedPoints()).toBe(before + 20);
    expect(insertManyReport(error)?.requests.map((request) => request.status)).toEqual([
      'applied',
      'applied',
      'refused',
      'not-sent',
      'not-sent',
    ]);
  });
});
