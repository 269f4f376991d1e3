import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChunk } from '../../src/protocol/chunk-decoder.js';
import { readVector } from '../../src/protocol/chunk-vector.js';
import { ThriftBinaryReader } from '../../src/protocol/thrift/binary-reader.js';
import { ThriftType } from '../../src/protocol/thrift/type-codes.js';
import { VectorType } from '../../src/protocol/vector-type.js';
import {
  createDuckDBEngine,
  EngineQueryError,
  type EngineResult,
  type TestEngine,
} from '../../src/testing/engine/index.js';

let engine: TestEngine;

beforeAll(async () => {
  engine = await createDuckDBEngine();
});

afterAll(async () => {
  await engine.close();
});

/** Every batch of a result, decoded, plus the raw bytes of each batch. */
async function readAll(result: EngineResult): Promise<{ columns: unknown[][]; batches: Uint8Array[] }> {
  const columns: unknown[][] = result.metadata.columns.map(() => []);
  const batches: Uint8Array[] = [];
  for (let bytes = await result.nextBatch(); bytes !== undefined; bytes = await result.nextBatch()) {
    batches.push(bytes);
    decodeChunk(bytes).columns.forEach((values, c) => {
      columns[c]?.push(...values);
    });
  }
  return { columns, batches };
}

/** Vector type, constant flag and null-set length of each vector of one encoded Chunk. */
function vectorShapes(bytes: Uint8Array): { type: number; constant: boolean; nulls: number }[] {
  const reader = new ThriftBinaryReader(bytes);
  const shapes: { type: number; constant: boolean; nulls: number }[] = [];
  reader.enterStruct();
  for (let type = reader.readFieldType(); type !== ThriftType.STOP; type = reader.readFieldType()) {
    if (reader.fieldId !== 2) {
      reader.skip(type);
      continue;
    }
    const count = reader.readListOf(ThriftType.STRUCT, 'vectors');
    for (let i = 0; i < count; i++) {
      const vector = readVector(reader);
      shapes.push({ type: vector.vectorType, constant: vector.constant, nulls: vector.nullCount });
    }
  }
  return shapes;
}

async function run(sql: string, schema = 'main'): Promise<EngineResult> {
  return engine.execute(sql, { schema });
}

describe('DuckDB test engine: type mapping (docs/protocols/e6data.md §6.4)', () => {
  // Three rows each, the last NULL, so every column is a non-constant vector with a null.
  const cases: { name: string; values: string; type: string; vector: number; expected: unknown[] }[] = [
    {
      name: 'BIGINT beyond 2^53',
      values: '(9007199254740993::BIGINT), (-5::BIGINT)',
      type: 'LONG',
      vector: VectorType.LONG,
      expected: [9007199254740993n, -5],
    },
    {
      name: 'INTEGER',
      values: '(2147483647), (-1)',
      type: 'INTEGER',
      vector: VectorType.INTEGER,
      expected: [2147483647, -1],
    },
    {
      name: 'SMALLINT',
      values: '((-32768)::SMALLINT), (7::SMALLINT)',
      type: 'INTEGER',
      vector: VectorType.INTEGER,
      expected: [-32768, 7],
    },
    {
      name: 'TINYINT',
      values: '((-128)::TINYINT), (1::TINYINT)',
      type: 'INTEGER',
      vector: VectorType.INTEGER,
      expected: [-128, 1],
    },
    {
      name: 'UTINYINT',
      values: '(255::UTINYINT), (0::UTINYINT)',
      type: 'INTEGER',
      vector: VectorType.INTEGER,
      expected: [255, 0],
    },
    {
      name: 'USMALLINT',
      values: '(65535::USMALLINT), (1::USMALLINT)',
      type: 'INTEGER',
      vector: VectorType.INTEGER,
      expected: [65535, 1],
    },
    {
      name: 'UINTEGER',
      values: '(4294967295::UINTEGER), (0::UINTEGER)',
      type: 'LONG',
      vector: VectorType.LONG,
      expected: [4294967295, 0],
    },
    {
      name: 'UBIGINT',
      values: '(18446744073709551615::UBIGINT), (1::UBIGINT)',
      type: 'DECIMAL128',
      vector: VectorType.DECIMAL128,
      expected: ['18446744073709551615', '1'],
    },
    {
      name: 'HUGEINT',
      values: '(-170141183460469231731687303715884105727::HUGEINT), (3::HUGEINT)',
      type: 'DECIMAL128',
      vector: VectorType.DECIMAL128,
      expected: ['-170141183460469231731687303715884105727', '3'],
    },
    {
      name: 'DECIMAL(38,2) with 38 digits',
      values: "('999999999999999999999999999999999999.99'::DECIMAL(38,2)), ('-0.01'::DECIMAL(38,2))",
      type: 'DECIMAL128',
      vector: VectorType.DECIMAL128,
      expected: ['999999999999999999999999999999999999.99', '-0.01'],
    },
    {
      name: 'DECIMAL(7,2) (stored in 32 bits by DuckDB)',
      values: "('12345.67'::DECIMAL(7,2)), ('-0.50'::DECIMAL(7,2))",
      type: 'DECIMAL128',
      vector: VectorType.DECIMAL128,
      expected: ['12345.67', '-0.50'],
    },
    {
      name: 'DOUBLE',
      values: '(1e300::DOUBLE), (-0.0::DOUBLE)',
      type: 'DOUBLE',
      vector: VectorType.DOUBLE,
      expected: [1e300, -0],
    },
    {
      name: 'FLOAT (sent as the shortest double)',
      values: '(0.1::FLOAT), (3.5::FLOAT)',
      type: 'FLOAT',
      vector: VectorType.FLOAT,
      expected: [0.1, 3.5],
    },
    {
      name: 'BOOLEAN',
      values: '(true), (false)',
      type: 'BOOLEAN',
      vector: VectorType.BOOLEAN,
      expected: [true, false],
    },
    {
      name: 'VARCHAR',
      values: "('héllo 🦆'), ('')",
      type: 'STRING',
      vector: VectorType.STRING,
      expected: ['héllo 🦆', ''],
    },
    {
      name: 'BLOB',
      values: "('\\x00\\xFF'::BLOB), ('ab'::BLOB)",
      type: 'BINARY',
      vector: VectorType.BINARY,
      expected: [new Uint8Array([0, 255]), new Uint8Array([97, 98])],
    },
    {
      name: 'DATE before 1970 and after 9999',
      values: "(DATE '1969-12-31'), (DATE '12000-01-01')",
      type: 'DATE',
      vector: VectorType.DATE,
      expected: ['1969-12-31', '+12000-01-01'],
    },
    {
      name: 'TIMESTAMP before 1970',
      values: "(TIMESTAMP '1969-12-31 23:59:59.999999'), (TIMESTAMP '2026-02-12 00:00:00.123456')",
      type: 'DATETIME',
      vector: VectorType.DATETIME,
      expected: ['1969-12-31T23:59:59.999+00:00', '2026-02-12T00:00:00.123+00:00'],
    },
    {
      name: 'TIMESTAMP_NS before 1970 (floored to microseconds)',
      values: "('1969-12-31 23:59:59.999999999'::TIMESTAMP_NS), ('1970-01-01 00:00:01'::TIMESTAMP_NS)",
      type: 'DATETIME',
      vector: VectorType.DATETIME,
      expected: ['1969-12-31T23:59:59.999+00:00', '1970-01-01T00:00:01.000+00:00'],
    },
    {
      name: 'TIMESTAMP_S and _MS',
      values: "('2000-01-02 03:04:05'::TIMESTAMP_S::TIMESTAMP_MS), ('1900-01-01 00:00:00.250'::TIMESTAMP_MS)",
      type: 'DATETIME',
      vector: VectorType.DATETIME,
      expected: ['2000-01-02T03:04:05.000+00:00', '1900-01-01T00:00:00.250+00:00'],
    },
    {
      name: 'TIMESTAMPTZ',
      values: "(TIMESTAMPTZ '2026-02-12 05:30:00.123+05:30'), (TIMESTAMPTZ '1960-01-01 00:00:00+00')",
      type: 'TIMESTAMP_TZ',
      vector: VectorType.TIMESTAMP_TZ,
      expected: ['2026-02-12T00:00:00.123+00:00', '1960-01-01T00:00:00.000+00:00'],
    },
    {
      name: 'LIST',
      values: '([1, 2]), ([])',
      type: 'ARRAY',
      vector: VectorType.ARRAY,
      expected: ['[1, 2]', '[]'],
    },
    {
      name: 'ARRAY',
      values: '([1, 2]::INTEGER[2]), ([3, 4]::INTEGER[2])',
      type: 'ARRAY',
      vector: VectorType.ARRAY,
      expected: ['[1, 2]', '[3, 4]'],
    },
    {
      name: 'STRUCT',
      values: "({'a': 1, 'b': 'x'}), ({'a': 2, 'b': 'y'})",
      type: 'STRUCT',
      vector: VectorType.STRUCT,
      expected: ["{'a': 1, 'b': 'x'}", "{'a': 2, 'b': 'y'}"],
    },
    {
      name: 'MAP',
      values: "(MAP {'k': 1}), (MAP {})",
      type: 'MAP',
      vector: VectorType.MAP,
      expected: ["{'k': 1}", '{}'],
    },
    {
      name: 'INTERVAL (as text)',
      values: '(INTERVAL 1 DAY), (INTERVAL 2 HOUR)',
      type: 'STRING',
      vector: VectorType.STRING,
      expected: ['1 day', '02:00:00'],
    },
  ];

  for (const { name, values, type, vector, expected } of cases) {
    it(`${name} -> ${type}`, async () => {
      const result = await run(`SELECT x FROM (VALUES ${values}, (NULL)) AS v(x)`);
      expect(result.metadata.rowCount).toBe(3n);
      expect(result.metadata.columns).toEqual([{ name: 'x', type, zone: '', format: '' }]);
      const { columns, batches } = await readAll(result);
      expect(batches).toHaveLength(1);
      expect(vectorShapes(batches[0] as Uint8Array)).toEqual([{ type: vector, constant: false, nulls: 3 }]);
      expect(columns[0]).toEqual([...expected, null]);
    });
  }
});

describe('DuckDB test engine: constant vectors', () => {
  it('sends literal and all-null columns as constant vectors and varying columns as lists', async () => {
    const result = await run(
      "SELECT 42::BIGINT AS a, NULL::VARCHAR AS n, x, 'k' AS s, 1.25::DECIMAL(5,2) AS d, DATE '1950-06-01' AS dt FROM range(3) t(x)",
    );
    const { columns, batches } = await readAll(result);
    expect(vectorShapes(batches[0] as Uint8Array)).toEqual([
      { type: VectorType.LONG, constant: true, nulls: 1 },
      { type: VectorType.STRING, constant: true, nulls: 1 },
      { type: VectorType.LONG, constant: false, nulls: 3 },
      { type: VectorType.STRING, constant: true, nulls: 1 },
      { type: VectorType.DECIMAL128, constant: true, nulls: 1 },
      { type: VectorType.DATE, constant: true, nulls: 1 },
    ]);
    expect(columns).toEqual([
      [42, 42, 42],
      [null, null, null],
      [0, 1, 2],
      ['k', 'k', 'k'],
      ['1.25', '1.25', '1.25'],
      ['1950-06-01', '1950-06-01', '1950-06-01'],
    ]);
  });

  it('keeps 0 and -0 apart (not constant)', async () => {
    const { columns, batches } = await readAll(
      await run('SELECT x FROM (VALUES (0.0::DOUBLE), (-0.0::DOUBLE)) v(x)'),
    );
    expect(vectorShapes(batches[0] as Uint8Array)[0]?.constant).toBe(false);
    expect(Object.is(columns[0]?.[1], -0)).toBe(true);
  });
});

describe('DuckDB test engine: batches', () => {
  it('splits rows into batches of batchRows across DuckDB chunk boundaries', async () => {
    const small = await createDuckDBEngine({ batchRows: 1000 });
    try {
      const result = await small.execute('SELECT x FROM range(2500) t(x)', { schema: 'main' });
      expect(result.metadata.rowCount).toBe(2500n);
      const sizes: number[] = [];
      const values: unknown[] = [];
      for (let bytes = await result.nextBatch(); bytes !== undefined; bytes = await result.nextBatch()) {
        const chunk = decodeChunk(bytes);
        sizes.push(chunk.rowCount);
        values.push(...(chunk.columns[0] ?? []));
      }
      expect(sizes).toEqual([1000, 1000, 500]);
      expect(values).toEqual(Array.from({ length: 2500 }, (_, i) => i));
      expect(await result.nextBatch()).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('reads 1,000,000 rows batch by batch with a bounded JS heap', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const baseline = process.memoryUsage().heapUsed;
    const result = await run("SELECT x, x * 2 AS y, 'row ' || x AS label FROM range(1000000) t(x)");
    expect(result.metadata.rowCount).toBe(1_000_000n);
    let rows = 0;
    let sum = 0n;
    let batches = 0;
    let peak = 0;
    for (let bytes = await result.nextBatch(); bytes !== undefined; bytes = await result.nextBatch()) {
      const chunk = decodeChunk(bytes, { int64: 'bigint' });
      expect(chunk.rowCount).toBeLessThanOrEqual(8192);
      rows += chunk.rowCount;
      for (const value of chunk.columns[0] ?? []) sum += value as bigint;
      batches++;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const growthMb = (peak - baseline) / 2 ** 20;
    console.log(
      `1M rows: ${batches} batches, heapUsed baseline ${(baseline / 2 ** 20).toFixed(1)} MB, peak ${(peak / 2 ** 20).toFixed(1)} MB, growth ${growthMb.toFixed(1)} MB (gc ${gc ? 'forced' : 'not exposed'})`,
    );
    expect(rows).toBe(1_000_000);
    expect(sum).toBe(499_999_500_000n);
    // 1M rows of three columns held as JS values would take well over 100 MB.
    expect(growthMb).toBeLessThan(96);
  });
});

describe('DuckDB test engine: statements, errors and aborts', () => {
  it("returns DuckDB's Count result for DDL and DML", async () => {
    const created = await run('CREATE TABLE counted (id INTEGER)');
    expect(created.metadata).toEqual({
      rowCount: 0n,
      columns: [{ name: 'Count', type: 'LONG', zone: '', format: '' }],
    });
    expect(await created.nextBatch()).toBeUndefined();
    const inserted = await run('INSERT INTO counted VALUES (1), (2), (3)');
    expect(inserted.metadata.rowCount).toBe(1n);
    expect((await readAll(inserted)).columns).toEqual([[3]]);
    expect(inserted.timings.queueingMs).toBe(0);
    expect(inserted.timings.parsingMs).toBeGreaterThanOrEqual(0);
    expect(inserted.timings.executionMs).toBeGreaterThan(0);
  });

  it("rejects a failing statement with EngineQueryError carrying DuckDB's message", async () => {
    const error = await run('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineQueryError);
    expect((error as Error).message).toContain('Table with name no_such_table does not exist');
    const syntax = await run('SELEC 1').catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(EngineQueryError);
    expect((syntax as Error).message).toContain('syntax error');
  });

  it('rejects a statement in a missing schema with EngineQueryError', async () => {
    const error = await run('SELECT 1', 'no_such_schema').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineQueryError);
    expect((error as Error).message).toContain('no_such_schema');
  });

  it('interrupts a running statement on abort and stays usable', async () => {
    const controller = new AbortController();
    // Without the interrupt this count would run for hours; the test finishing proves it stopped.
    const pending = engine.execute('SELECT count(*) FROM range(1000000000000) a(x) WHERE x % 7 = 3', {
      schema: 'main',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('AbortError');
    const after = await readAll(await run('SELECT 42 AS answer'));
    expect(after.columns).toEqual([[42]]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const error = await engine
      .execute('SELECT 1', { schema: 'main', signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('DuckDB test engine: catalog', () => {
  it('lists schemas, tables and columns with e6data type names', async () => {
    await run('CREATE SCHEMA sales');
    await run(`CREATE TABLE sales.orders (
      id INTEGER, big BIGINT, amount DECIMAL(7,2), name VARCHAR, tags INTEGER[], attrs MAP(VARCHAR, INTEGER),
      buyer STRUCT(a INTEGER, b VARCHAR), ts TIMESTAMP, tz TIMESTAMPTZ, d DATE, f FLOAT, dbl DOUBLE, ok BOOLEAN, raw BLOB
    )`);
    await run('CREATE TABLE sales.a_first (x INTEGER)');
    const schemas = await engine.listSchemas();
    expect(schemas).toContain('main');
    expect(schemas).toContain('sales');
    expect(schemas).not.toContain('information_schema');
    expect(await engine.listTables('sales')).toEqual(['a_first', 'orders']);
    expect(await engine.listColumns('sales', 'orders')).toEqual([
      { name: 'id', type: 'int' },
      { name: 'big', type: 'long' },
      { name: 'amount', type: 'decimal(7,2)' },
      { name: 'name', type: 'varchar' },
      { name: 'tags', type: 'array<int>' },
      { name: 'attrs', type: 'map<varchar,int>' },
      { name: 'buyer', type: 'struct<a:int,b:varchar>' },
      { name: 'ts', type: 'timestamp' },
      { name: 'tz', type: 'timestamp_tz' },
      { name: 'd', type: 'date' },
      { name: 'f', type: 'float' },
      { name: 'dbl', type: 'double' },
      { name: 'ok', type: 'boolean' },
      { name: 'raw', type: 'binary' },
    ]);
    // Unqualified names resolve in the statement's schema.
    const counted = await readAll(await run('SELECT count(*) AS n FROM orders', 'sales'));
    expect(counted.columns).toEqual([[0]]);
    await expect(engine.listColumns('sales', 'missing')).rejects.toBeInstanceOf(EngineQueryError);
  });
});
