import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientAndServer, startClientAndServer } from '../support/client-server.js';

let env: ClientAndServer;

beforeEach(async () => {
  env = await startClientAndServer();
});

afterEach(async () => {
  await env.close();
});

/** One row of every kind the DuckDB engine sends, including the values that break naive decoders. */
const WIDE_ROW_SQL = `SELECT
  9007199254740993::BIGINT AS big,
  -5::BIGINT AS small,
  12345678901234567890123456789.123456789::DECIMAL(38,9) AS dec,
  -0.01::DECIMAL(38,2) AS negdec,
  DATE '1969-07-20' AS d_old,
  DATE '12000-01-01' AS d_future,
  TIMESTAMP '1969-12-31 23:59:59.5' AS ts_old,
  TIMESTAMPTZ '2024-03-01 12:00:00.123+00' AS tstz,
  from_hex('00ff10') AS bin,
  true AS flag,
  1.5::DOUBLE AS dbl,
  [1, 2, 3] AS list,
  NULL::INTEGER AS nothing,
  42::INTEGER AS int32`;

describe('E6DataClient: values through DuckDB, chunks and the client', () => {
  it('decodes a wide row exactly with the default options', async () => {
    const { rows, columns, rowCount } = await env.client.query(WIDE_ROW_SQL);
    expect(rowCount).toBe(1);
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.big).toBe(9007199254740993n); // beyond 2^53: 'auto' keeps it a bigint
    expect(row.small).toBe(-5); // safe: a number
    expect(row.dec).toBe('12345678901234567890123456789.123456789');
    expect(row.negdec).toBe('-0.01');
    expect(row.d_old).toBe('1969-07-20');
    expect(row.d_future).toBe('+12000-01-01');
    expect(row.ts_old).toBe('1969-12-31T23:59:59.500+00:00');
    expect(row.tstz).toBe('2024-03-01T12:00:00.123+00:00');
    expect(row.bin).toBeInstanceOf(Uint8Array);
    expect([...(row.bin as Uint8Array)]).toEqual([0x00, 0xff, 0x10]);
    expect(row.flag).toBe(true);
    expect(row.dbl).toBe(1.5);
    expect(row.list).toBe('[1, 2, 3]');
    expect(row.nothing).toBeNull();
    expect(row.int32).toBe(42);
    expect(columns.map((column) => column.name)).toEqual([
      'big',
      'small',
      'dec',
      'negdec',
      'd_old',
      'd_future',
      'ts_old',
      'tstz',
      'bin',
      'flag',
      'dbl',
      'list',
      'nothing',
      'int32',
    ]);
    expect(columns.find((column) => column.name === 'dec')?.type).toBe('DECIMAL128');
    expect(columns.find((column) => column.name === 'big')?.type).toBe('LONG');
  });

  it("gives every 64-bit integer as a bigint with int64 'bigint'", async () => {
    const client = env.newClient({ int64: 'bigint' });
    const { rows } = await client.query('SELECT 9007199254740993::BIGINT AS big, -5::BIGINT AS small');
    expect(rows).toEqual([{ big: 9007199254740993n, small: -5n }]);
  });

  it("gives every 64-bit integer as a number with int64 'number' (rounded beyond 2^53)", async () => {
    const client = env.newClient({ int64: 'number' });
    const { rows } = await client.query('SELECT 9007199254740993::BIGINT AS big, -5::BIGINT AS small');
    expect(rows).toEqual([{ big: 9007199254740992, small: -5 }]);
  });

  it('passes the exact decimal text to a decimal constructor', async () => {
    const seen: string[] = [];
    const client = env.newClient({
      decimal: (text: string) => {
        seen.push(text);
        return { decimal: text };
      },
    });
    const { rows } = await client.query(
      'SELECT 12345678901234567890123456789.123456789::DECIMAL(38,9) AS dec, NULL::DECIMAL(38,9) AS none',
    );
    expect(rows).toEqual([{ dec: { decimal: '12345678901234567890123456789.123456789' }, none: null }]);
    expect(seen).toEqual(['12345678901234567890123456789.123456789']);
  });

  it("gives arrays in column order with rowMode 'array'", async () => {
    const client = env.newClient({ rowMode: 'array' });
    const { rows, columns } = await client.query<unknown[]>(
      'SELECT x, x * 2 AS twice, x AS x FROM range(3) t(x) ORDER BY x',
    );
    expect(rows).toEqual([
      [0, 0, 0],
      [1, 2, 1],
      [2, 4, 2],
    ]);
    expect(columns.map((column) => column.name)).toEqual(['x', 'twice', 'x']);
  });

  it('reports the description and the row count of a cursor', async () => {
    await using cursor = env.client.cursor('SELECT x AS n, x::VARCHAR AS s FROM range(7) t(x)');
    expect(cursor.description).toBeUndefined();
    await cursor.execute();
    expect(cursor.rowCount).toBe(7);
    expect(cursor.queryId).toMatch(/.+/);
    expect(cursor.description?.map(({ name, type }) => ({ name, type }))).toEqual([
      { name: 'n', type: 'LONG' },
      { name: 's', type: 'STRING' },
    ]);
    expect(await cursor.fetchAll()).toHaveLength(7);
  });
});
