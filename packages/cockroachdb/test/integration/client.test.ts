import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import {
  AuthenticationError,
  ClientClosedError,
  isConnError,
  PoolTimeoutError,
  TimeoutError,
} from '@conn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CockroachDBClient, type SqlError, UniqueViolationError } from '../../src/index.js';
import { databaseUrl, openDatabase, testDatabase, uniqueTable } from '../support/database.js';

describe.skipIf(testDatabase.skipReason !== undefined)('CockroachDB client against PostgreSQL', () => {
  let db: CockroachDBClient;
  beforeAll(async () => {
    db = openDatabase();
    await db.connect();
  });
  afterAll(async () => {
    await db.close();
  });

  it('detects the server kind from the startup parameters', () => {
    expect(db.server?.kind).toBe('postgresql');
    expect(db.server?.version).toMatch(/^\d+/);
  });

  it('execute returns rows, count, command and fields; query and queryOne return rows', async () => {
    const result = await db.execute<{ n: number; s: string }>('SELECT $1::int AS n, $2::text AS s', [7, 'x']);
    expect(result.rows).toEqual([{ n: 7, s: 'x' }]);
    expect(result.rowCount).toBe(1);
    expect(result.command).toBe('SELECT');
    expect(result.fields.map((field) => field.name)).toEqual(['n', 's']);
    expect(await db.query('SELECT generate_series(1, 3) AS g')).toEqual([{ g: 1 }, { g: 2 }, { g: 3 }]);
    expect(await db.queryOne('SELECT 1 AS one WHERE false')).toBeUndefined();
    expect(await db.queryOne<{ one: number }>('SELECT 1 AS one')).toEqual({ one: 1 });
  });

  it('returns INT8 and DECIMAL exactly, as strings by default', async () => {
    const row = await db.queryOne<{ big: unknown; dec: unknown }>(
      'SELECT 9223372036854775807::int8 AS big, 12345678901234567890.123456789::numeric AS dec',
    );
    expect(row).toEqual({ big: '9223372036854775807', dec: '12345678901234567890.123456789' });
  });

  it('returns INT8 as bigint when asked, arrays included, and accepts bigint parameters', async () => {
    await using bigintDb = openDatabase({ int8: 'bigint' });
    const row = await bigintDb.queryOne<{ big: unknown; list: unknown }>(
      'SELECT $1::int8 AS big, ARRAY[1, NULL, -9223372036854775808]::int8[] AS list',
      [9223372036854775807n],
    );
    expect(row).toEqual({ big: 9223372036854775807n, list: [1n, null, -9223372036854775808n] });
  });

  it('rows as arrays with rowMode array', async () => {
    expect(await db.query('SELECT 1 AS a, 2 AS a', [], { rowMode: 'array' })).toEqual([[1, 2]]);
  });

  it('maps server errors to typed errors that keep SQLSTATE, constraint and detail', async () => {
    const table = uniqueTable('uniq');
    await db.createTable(table, { id: 'INT8 PRIMARY KEY', email: 'TEXT UNIQUE' });
    try {
      await db.insert(table, { id: 1, email: 'a@x' });
      const error = await db.insert(table, { id: 2, email: 'a@x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UniqueViolationError);
      const sqlError = error as SqlError;
      expect(sqlError.sqlstate).toBe('23505');
      expect(sqlError.code).toBe('CONN_COCKROACHDB_UNIQUE_VIOLATION');
      expect(sqlError.constraint).toBe(`${table}_email_key`);
      expect(sqlError.detail).toContain('a@x');
      expect(isConnError(error)).toBe(true);
    } finally {
      await db.dropTable(table);
    }
  });

  it('a bad password is an AuthenticationError whose message and inspect output hide the password', async () => {
    const url = new URL(databaseUrl());
    url.password = 'wrong-password-s3cret';
    await using wrong = CockroachDBClient.fromUrl(url.toString(), { pool: { acquireTimeoutMs: 5_000 } });
    const error = await wrong.connect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as { sqlstate?: string }).sqlstate).toBe('28P01');
    for (const rendering of [
      String(error),
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      inspect(wrong),
    ]) {
      expect(rendering).not.toContain('wrong-password-s3cret');
    }
  });

  it('timeoutMs cancels the statement on the server and leaves the session usable', async () => {
    await using single = openDatabase({ pool: { max: 1 } });
    const marker = `cancel_marker_${process.pid}`;
    const error = await single
      .query(`SELECT pg_sleep(30) AS ${marker}`, [], { timeoutMs: 200 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    // The server stopped running it (no backend still executes the statement) ...
    const running = await db.query(
      "SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()",
      [`%${marker}%`],
    );
    expect(running).toEqual([]);
    // ... and the same single session answers the next statement.
    expect(await single.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    expect(single.stats().size).toBe(1);
  });

  it('an AbortSignal cancels a running statement', async () => {
    const controller = new AbortController();
    const pending = db.query('SELECT pg_sleep(30)', [], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    const error = await pending.catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('CONN_ABORTED');
  });

  it('pool exhaustion waits for a free connection, then times out with a PoolError', async () => {
    await using small = openDatabase({ pool: { max: 1, acquireTimeoutMs: 300 } });
    const tx = await small.transaction();
    const error = await small.query('SELECT 1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    await tx.rollback();
    expect(await small.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('16 concurrent statements on a one-connection pool are pipelined on it and all answer right', async () => {
    await using single = openDatabase({ pool: { max: 1 } });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => single.queryOne<{ i: number }>('SELECT $1::int AS i', [i])),
    );
    expect(results.map((row) => row?.i)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(single.stats().size).toBe(1);
  });

  it('a caller issuing statements back to back keeps its session, but never starves a waiting transaction', async () => {
    await using single = openDatabase({ pool: { max: 1 } });
    let done = 0;
    let stop = false;
    const loop = (async () => {
      for (let i = 0; i < 5_000 && !stop; i++) {
        await single.query('SELECT 1');
        done++;
      }
    })();
    await expect.poll(() => done).toBeGreaterThan(10);
    const tx = await single.transaction();
    const doneWhenGranted = done;
    stop = true;
    await tx.rollback();
    await loop;
    expect(doneWhenGranted).toBeLessThan(5_000);
    expect(single.stats().size).toBe(1);
  });

  it('a failing statement among pipelined ones fails alone', async () => {
    await using single = openDatabase({ pool: { max: 1 } });
    const settled = await Promise.allSettled([
      single.query('SELECT 1 AS a'),
      single.query('SELECT 1/0'),
      single.query('SELECT 3 AS c'),
    ]);
    expect(settled.map((entry) => entry.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.sqlstate).toBe('22012');
  });

  it('connects with a password full of URL special characters, percent-encoded or as ?password=', async (context) => {
    const role = `conn_special_${process.pid}`;
    const password = 'p@ss:w/o#rd?&=% x\'"';
    const created = await db
      .execute(`CREATE ROLE "${role}" LOGIN PASSWORD '${password.replaceAll("'", "''")}'`)
      .then(() => true)
      .catch((error: unknown) => error);
    if (created !== true) {
      context.skip(`cannot create a role on this server: ${(created as Error).message}`);
      return;
    }
    try {
      const base = new URL(databaseUrl());
      const encoded = `postgresql://${role}:${encodeURIComponent(password)}@${base.host}${base.pathname}?sslmode=disable`;
      await using first = CockroachDBClient.fromUrl(encoded);
      expect(await first.queryOne('SELECT current_user AS who')).toEqual({ who: role });
      const asParam = `postgresql://${base.host}${base.pathname}?sslmode=disable&user=${role}&password=${encodeURIComponent(password)}`;
      await using second = CockroachDBClient.fromUrl(asParam);
      expect(await second.queryOne('SELECT current_user AS who')).toEqual({ who: role });
    } finally {
      await db.execute(`DROP ROLE IF EXISTS "${role}"`);
    }
  });

  it('publishes each call on its tracing channel with the masked statement and without bound values', async () => {
    const seen: Record<string, unknown>[] = [];
    const channel = diagnosticsChannel.tracingChannel('conn:cockroachdb:query');
    const record = (message: unknown): void => {
      seen.push({ ...(message as Record<string, unknown>) });
    };
    const ignore = (): void => {};
    const handlers = { start: ignore, end: ignore, asyncStart: ignore, asyncEnd: record, error: ignore };
    channel.subscribe(handlers);
    try {
      await db.query('SELECT $1::text AS secret_value', ['do-not-publish-me']);
      await db.query('SELECT 1/0').catch(() => {});
      await db.execute("ALTER ROLE conn_no_such_role PASSWORD E'it\\'s-hunter2'").catch(() => {});
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toHaveLength(3);
    const server = new URL(databaseUrl());
    expect(seen[0]).toMatchObject({
      package: 'cockroachdb',
      operation: 'query',
      statement: 'SELECT $1::text AS secret_value',
      port: Number(server.port),
      error: undefined,
    });
    expect(seen[0]?.['durationMs']).toBeTypeOf('number');
    expect(seen[1]).toMatchObject({ statement: 'SELECT 1/0' });
    expect((seen[1]?.['error'] as { sqlstate?: string } | undefined)?.sqlstate).toBe('22012');
    expect(JSON.stringify(seen)).not.toContain('do-not-publish-me');
    expect(JSON.stringify(seen)).not.toContain('hunter2');
  });

  it('inspect and JSON of the client never show the password', () => {
    const password = new URL(databaseUrl()).password;
    expect(password.length).toBeGreaterThan(0);
    expect(inspect(db)).not.toContain(password);
    expect(JSON.stringify(db)).not.toContain(password);
  });

  it('close() ends every session and later calls fail with ClientClosedError', async () => {
    const temporary = openDatabase();
    await temporary.query('SELECT 1');
    await temporary.close();
    const error = await temporary.query('SELECT 1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect((error as { code?: string }).code).toBe('CONN_CLIENT_CLOSED');
  });
});
