import {
  DuckDBBlobValue,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindParams, type SqlParam } from '../../src/params/index.js';

// DuckDB reads strings the standard way (no backslash escapes), so these use the default mode.
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function selectBound(sql: string, params: readonly SqlParam[], bytes?: 'from-hex'): Promise<unknown[]> {
  // DuckDB reads strings the standard way: backslashes are themselves.
  const bound = bindParams(sql, params, {
    stringEscape: 'standard',
    ...(bytes === undefined ? {} : { bytes }),
  });
  const rows = await (await connection.run(bound)).getRows();
  expect(rows).toHaveLength(1);
  return rows[0] as unknown[];
}

const INJECTIONS = [
  "' OR 1=1 --",
  "\\'; DROP TABLE t; --",
  "'); --",
  '*/ SELECT 2 /*',
  '\\',
  "''",
  '? :x $1',
  'é😀\n\r\t',
];

describe('bound literals read back from DuckDB', () => {
  it.each(INJECTIONS)('returns the hostile string %j exactly', async (value) => {
    expect(await selectBound('SELECT ? AS v, 1 AS w -- trailing', [value])).toEqual([value, 1]);
  });

  it('returns random strings exactly', async () => {
    const samples = fc.sample(
      fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\0')),
      {
        numRuns: 100,
        seed: 1,
      },
    );
    const rows = await selectBound(`SELECT ${samples.map(() => '?').join(', ')}`, samples);
    expect(rows).toEqual(samples);
  });

  it('returns numbers, booleans and null', async () => {
    const row = await selectBound('SELECT ?, ?, ?, ?, ?, 10-?, ?, ?, ?, ?', [
      42,
      -7,
      1e-7,
      0.1 + 0.2,
      2n ** 53n + 1n,
      -1,
      -(2n ** 63n),
      true,
      false,
      null,
    ]);
    expect(row).toEqual([
      42,
      -7,
      1e-7,
      0.30000000000000004,
      2n ** 53n + 1n,
      11,
      -(2n ** 63n),
      true,
      false,
      null,
    ]);
  });

  it('returns doubles exactly, whatever their decimal text', async () => {
    const doubles = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 100, seed: 2 });
    // No cast: the literal itself must be a DOUBLE, not a DECIMAL rounded on its way to DOUBLE.
    const row = await selectBound(`SELECT ${doubles.map(() => '?').join(', ')}`, doubles);
    // -0 is written as 0: DuckDB and the test agree on value, not on the sign of zero.
    expect(row).toEqual(doubles.map((d) => (Object.is(d, -0) ? 0 : d)));
  });

  it('returns dates as UTC timestamps, negative years included', async () => {
    const dates = [
      new Date(Date.UTC(2024, 1, 29, 23, 5, 9, 7)),
      new Date('-000001-06-01T12:00:00.001Z'),
      new Date(0),
    ];
    const row = await selectBound('SELECT ?, ?, ?', dates);
    expect(row).toEqual(dates.map((d) => new DuckDBTimestampValue(BigInt(d.getTime()) * 1000n)));
  });

  it('refuses the ISO form of years after 9999 (DuckDB only; documented difference)', async () => {
    await expect(selectBound('SELECT ?', [new Date('+010000-01-01T00:00:00Z')])).rejects.toThrow(/timestamp/);
  });

  it('reads bytes only in the from-hex form: X string literals are VARCHAR in DuckDB', async () => {
    const bytes = new Uint8Array([0, 10, 39, 92, 255]);
    const [blob] = await selectBound('SELECT ?', [bytes], 'from-hex');
    expect(blob).toBeInstanceOf(DuckDBBlobValue);
    expect(new Uint8Array((blob as DuckDBBlobValue).bytes)).toEqual(bytes);
    // The default X'…' form (standard SQL, Presto/Trino) is not a blob in DuckDB.
    const [text] = await selectBound('SELECT typeof(?)', [bytes]);
    expect(text).toBe('VARCHAR');
  });

  it('returns arrays, nested and empty', async () => {
    const [list] = await selectBound('SELECT ?', [[1, -2, null]]);
    expect(list).toEqual(new DuckDBListValue([1, -2, null]));
    const [nested] = await selectBound('SELECT ?', [[["a'b"], []]]);
    expect(nested).toEqual(new DuckDBListValue([new DuckDBListValue(["a'b"]), new DuckDBListValue([])]));
  });
});
