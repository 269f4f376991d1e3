import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchInsertStatements,
  batchUpdateStatements,
  MAX_BIND_PARAMETERS,
  rowsPerStatement,
} from '../../src/sql/batch-statements.js';

describe('batch statements', () => {
  it('rows × columns never exceeds 65,535 parameters, whatever the chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (columns, chunk) => {
          const rows = rowsPerStatement(columns, chunk);
          expect(rows).toBeGreaterThanOrEqual(1);
          expect(rows).toBeLessThanOrEqual(chunk);
          expect(rows * columns <= MAX_BIND_PARAMETERS || rows === 1).toBe(true);
        },
      ),
    );
    expect(rowsPerStatement(3)).toBe(1000);
    expect(rowsPerStatement(100)).toBe(655);
    expect(() => rowsPerStatement(3, 0)).toThrow(ConfigError);
  });

  it('100,000 records of 3 columns become 100 statements of 1000 rows, 300,000 values in all', () => {
    const records = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `n${i}`, n: i }));
    const statements = batchInsertStatements('t', records);
    expect(statements).toHaveLength(100);
    expect(statements.every((statement) => statement.values.length <= MAX_BIND_PARAMETERS)).toBe(true);
    expect(statements.reduce((sum, statement) => sum + statement.values.length, 0)).toBe(300_000);
    expect(
      statements[0]?.text.startsWith('INSERT INTO "t" ("id", "name", "n") VALUES ($1, $2, $3), ($4, $5, $6)'),
    ).toBe(true);
    expect(statements[0]?.text.endsWith('($2998, $2999, $3000) RETURNING *')).toBe(true);
  });

  it('a record without a column gets DEFAULT; an explicit undefined is refused', () => {
    const [statement] = batchInsertStatements('t', [{ a: 1, b: 2 }, { a: 3 }], { returning: undefined });
    expect(statement).toEqual({
      text: 'INSERT INTO "t" ("a", "b") VALUES ($1, $2), ($3, DEFAULT) RETURNING *',
      values: [1, 2, 3],
    });
    expect(() => batchInsertStatements('t', [{ a: undefined }])).toThrow(
      expect.objectContaining({ field: 'records[0].a' }),
    );
    expect(batchInsertStatements('t', [])).toEqual([]);
    expect(() => batchInsertStatements('t', [{}])).toThrow(ConfigError);
    expect(() => batchInsertStatements('t', [5 as never])).toThrow(
      expect.objectContaining({ field: 'records[0]' }),
    );
    expect(batchInsertStatements('t', [{ a: 1 }], { returning: false })[0]?.text).toBe(
      'INSERT INTO "t" ("a") VALUES ($1)',
    );
  });

  it('batch update casts values to the column types and groups records by their columns', () => {
    const types = new Map([
      ['id', 'uuid'],
      ['name', 'text'],
      ['age', 'integer'],
    ]);
    const statements = batchUpdateStatements(
      'users',
      [
        { id: 'a', name: 'x' },
        { id: 'b', age: 3 },
        { id: 'c', name: 'y' },
      ],
      'id',
      types,
    );
    expect(statements.map((statement) => statement.text)).toEqual([
      'UPDATE "users" AS "__target" SET "name" = "__batch"."name" FROM (VALUES ($1::uuid, $2::text), ($3::uuid, $4::text)) AS "__batch" ("id", "name") WHERE "__target"."id" = "__batch"."id" RETURNING "__target".*',
      'UPDATE "users" AS "__target" SET "age" = "__batch"."age" FROM (VALUES ($1::uuid, $2::integer)) AS "__batch" ("id", "age") WHERE "__target"."id" = "__batch"."id" RETURNING "__target".*',
    ]);
    expect(statements[0]?.values).toEqual(['a', 'x', 'c', 'y']);
  });

  it('batch update refuses duplicate keys, missing keys, key-only records and unknown columns', () => {
    const types = new Map([
      ['id', 'int8'],
      ['v', 'int8'],
    ]);
    expect(() =>
      batchUpdateStatements(
        't',
        [
          { id: 1, v: 1 },
          { id: 1, v: 2 },
        ],
        'id',
        types,
      ),
    ).toThrow(/repeats key/);
    expect(() => batchUpdateStatements('t', [{ v: 1 }], 'id', types)).toThrow(/no value for the key column/);
    expect(() => batchUpdateStatements('t', [{ id: 1 }], 'id', types)).toThrow(/no column to update/);
    expect(() => batchUpdateStatements('t', [{ id: 1, nope: 1 }], 'id', types)).toThrow(
      /nope does not exist/,
    );
  });

  it('batch update chunks under the parameter cap', () => {
    const types = new Map([
      ['id', 'int8'],
      ['v', 'int8'],
    ]);
    const records = Array.from({ length: 2_500 }, (_, i) => ({ id: i, v: i }));
    const statements = batchUpdateStatements('t', records, 'id', types, { chunkSize: 1_000 });
    expect(statements.map((statement) => statement.values.length)).toEqual([2_000, 2_000, 1_000]);
  });
});
