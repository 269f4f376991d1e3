import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { batchUpdateStatements, castTypeName, chooseInsertPath } from '../../src/sql/batch-statements.js';
import { unnestInsertStatements, unnestUpdateStatements } from '../../src/sql/unnest-statements.js';

const types = new Map([
  ['id', 'bigint'],
  ['name', 'character varying'],
  ['at', 'timestamp with time zone'],
  ['tags', 'text[]'],
  ['doc', 'jsonb'],
  ['raw', 'bytea'],
  ['code', 'character'],
  ['a"b', 'text'],
]);

describe('unnest batch insert', () => {
  it('binds one array per column and casts to the catalog types', () => {
    const at = new Date('2024-01-02T03:04:05.678Z');
    const statements = unnestInsertStatements(
      't',
      [
        { id: 1n, name: 'x', at },
        { id: 2n, name: null, at: null },
      ],
      types,
      { returning: undefined },
    );
    expect(statements).toEqual([
      {
        text:
          'INSERT INTO "t" ("id", "name", "at") SELECT * FROM unnest($1::bigint[], $2::character varying[], ' +
          '$3::timestamp with time zone[]) RETURNING *',
        values: [
          [1n, 2n],
          ['x', null],
          [at, null],
        ],
      },
    ]);
    expect(unnestInsertStatements('t', [{ id: 1 }], types, { returning: false })[0]?.text).toBe(
      'INSERT INTO "t" ("id") SELECT * FROM unnest($1::bigint[])',
    );
  });

  it('quotes hostile identifiers and spells char without a length so nothing is truncated', () => {
    const [statement] = unnestInsertStatements(['s"x', 'a"b'], [{ 'a"b': 'v', code: 'abc' }], types, {
      returning: ['a"b'],
    });
    expect(statement?.text).toBe(
      'INSERT INTO "s""x"."a""b" ("a""b", "code") SELECT * FROM unnest($1::text[], $2::bpchar[]) RETURNING "a""b"',
    );
  });

  it('refuses a type name that is not a plain SQL type instead of splicing it', () => {
    for (const hostile of ['text); DROP TABLE t; --', 'text[] --', "text'", 'a"b', '']) {
      expect(() => castTypeName(hostile, 'c')).toThrow(ConfigError);
      expect(() => unnestInsertStatements('t', [{ c: 1 }], new Map([['c', hostile]]))).toThrow(ConfigError);
    }
    for (const fine of [
      'character varying(20)',
      'numeric(30, 2)',
      'timestamp(3) with time zone',
      'public."My ""Type"""',
      '"char"',
      'text[]',
    ]) {
      expect(castTypeName(fine, 'c')).toBe(fine);
    }
    expect(castTypeName('bit[]', 'c')).toBe('"bit"[]');
  });

  it('passes JSON objects as their JSON text and bytes as they are', () => {
    const raw = Buffer.from([0, 1, 255]);
    const [statement] = unnestInsertStatements('t', [{ doc: { a: [1, 'x'] }, raw }], types);
    expect(statement?.values).toEqual([['{"a":[1,"x"]}'], [raw]]);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => unnestInsertStatements('t', [{ doc: cyclic }], types)).toThrow(
      expect.objectContaining({ code: 'CONN_CONFIG', field: 'values' }),
    );
  });

  it('chunks by rows', () => {
    const records = Array.from({ length: 2_500 }, (_, i) => ({ id: i, name: `n${i}` }));
    const statements = unnestInsertStatements('t', records, types, { chunkSize: 1_000 });
    expect(statements.map((statement) => (statement.values[0] as unknown[]).length)).toEqual([
      1_000, 1_000, 500,
    ]);
    expect(statements.every((statement) => statement.values.length === 2)).toBe(true);
    expect(unnestInsertStatements('t', records, types)).toHaveLength(3);
    expect(() => unnestInsertStatements('t', records, types, { chunkSize: 0 })).toThrow(
      expect.objectContaining({ field: 'chunkSize' }),
    );
  });

  it('chunks by estimated bytes, one oversized row still going alone', () => {
    const text = 'x'.repeat(97); // 100 bytes in the array literal
    const records = Array.from({ length: 10 }, () => ({ name: text }));
    const sizes = (maxBytes: number) =>
      unnestInsertStatements('t', records, types, { maxBytes }).map(
        (statement) => (statement.values[0] as unknown[]).length,
      );
    expect(sizes(350)).toEqual([3, 3, 3, 1]);
    expect(sizes(50)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // The default is 8 MiB: 20 rows of 1 MiB go 7 to a statement.
    const big = Array.from({ length: 20 }, () => ({ name: 'y'.repeat(1024 * 1024) }));
    expect(
      unnestInsertStatements('t', big, types).map((statement) => (statement.values[0] as unknown[]).length),
    ).toEqual([7, 7, 6]);
  });

  it('falls back to VALUES for array columns, mixed column sets and unknown columns, per chunk', () => {
    const withArray = unnestInsertStatements('t', [{ id: 1, tags: ['a', null] }], types);
    expect(withArray).toEqual([
      { text: 'INSERT INTO "t" ("id", "tags") VALUES ($1, $2) RETURNING *', values: [1, ['a', null]] },
    ]);
    const mixed = unnestInsertStatements(
      't',
      [{ id: 1, name: 'a' }, { id: 2 }, { id: 3, name: 'c' }],
      types,
      {
        chunkSize: 2,
      },
    );
    expect(mixed.map((statement) => statement.text)).toEqual([
      'INSERT INTO "t" ("id", "name") VALUES ($1, $2), ($3, DEFAULT) RETURNING *',
      'INSERT INTO "t" ("id", "name") SELECT * FROM unnest($1::bigint[], $2::character varying[]) RETURNING *',
    ]);
    expect(unnestInsertStatements('t', [{ nope: 1 }], types)[0]?.text).toBe(
      'INSERT INTO "t" ("nope") VALUES ($1) RETURNING *',
    );
    // A JS array bound to a non-array column (a domain over an array, JSON) would nest: VALUES.
    expect(unnestInsertStatements('t', [{ doc: [1, 2] }], types)[0]?.text).toContain('VALUES');
    // Bytes bound to a column that is not bytea go raw alone, but as \x text in an array: VALUES.
    expect(unnestInsertStatements('t', [{ name: Buffer.from('hi') }], types)[0]?.text).toContain('VALUES');
  });

  it('refuses undefined values with the record index, as the VALUES path does', () => {
    expect(() => unnestInsertStatements('t', [{ id: 1 }, { id: undefined }], types)).toThrow(
      expect.objectContaining({ field: 'records[1].id' }),
    );
    expect(unnestInsertStatements('t', [], types)).toEqual([]);
    expect(() => unnestInsertStatements('t', [{}], types)).toThrow(ConfigError);
  });

  it('takes COPY only for uniform records without returning, else unnest', () => {
    const uniform = [
      { id: 1, name: 'a' },
      { name: 'b', id: 2 },
    ];
    expect(chooseInsertPath({ returning: false, records: uniform })).toBe('copy');
    expect(chooseInsertPath({ returning: true, records: uniform })).toBe('unnest');
    // A missing column needs DEFAULT, which COPY cannot say.
    expect(chooseInsertPath({ returning: false, records: [{ id: 1, name: 'a' }, { id: 2 }] })).toBe('unnest');
    expect(chooseInsertPath({ returning: false, records: [{ id: 1 }, { id: 2, name: 'b' }] })).toBe('unnest');
    // undefined keeps the statement builders' ConfigError.
    expect(chooseInsertPath({ returning: false, records: [{ id: 1 }, { id: undefined }] })).toBe('unnest');
    expect(chooseInsertPath({ returning: false, records: [] })).toBe('unnest');
    expect(chooseInsertPath({ returning: false, records: [{}] })).toBe('unnest');
  });
});

describe('unnest batch update', () => {
  const updateTypes = new Map([
    ['id', 'uuid'],
    ['name', 'text'],
    ['age', 'integer'],
    ['tags', 'text[]'],
    ['code', 'character'],
  ]);

  it('groups records by their columns, one array per column', () => {
    const statements = unnestUpdateStatements(
      'users',
      [
        { id: 'a', name: 'x' },
        { id: 'b', age: 3 },
        { id: 'c', name: null },
      ],
      'id',
      updateTypes,
    );
    expect(statements).toEqual([
      {
        text:
          'UPDATE "users" AS "__target" SET "name" = "__batch"."name" FROM unnest($1::uuid[], $2::text[]) AS "__batch" ("id", "name") ' +
          'WHERE "__target"."id" = "__batch"."id" RETURNING "__target".*',
        values: [
          ['a', 'c'],
          ['x', null],
        ],
      },
      {
        text:
          'UPDATE "users" AS "__target" SET "age" = "__batch"."age" FROM unnest($1::uuid[], $2::integer[]) AS "__batch" ("id", "age") ' +
          'WHERE "__target"."id" = "__batch"."id" RETURNING "__target".*',
        values: [['b'], [3]],
      },
    ]);
  });

  it('uses VALUES for a group with an array column, unnest for the others', () => {
    const statements = unnestUpdateStatements(
      't',
      [
        { id: 'a', tags: ['x', 'y'] },
        { id: 'b', name: 'n' },
      ],
      'id',
      updateTypes,
    );
    expect(statements[0]).toEqual(
      batchUpdateStatements('t', [{ id: 'a', tags: ['x', 'y'] }], 'id', updateTypes)[0],
    );
    expect(statements[0]?.text).toContain('FROM (VALUES ($1::uuid, $2::text[]))');
    expect(statements[1]?.text).toContain('FROM unnest($1::uuid[], $2::text[])');
  });

  it('keeps the checks of the VALUES builder and chunks by rows', () => {
    const intTypes = new Map([
      ['id', 'int8'],
      ['v', 'int8'],
    ]);
    const dup = [
      { id: 1, v: 1 },
      { id: 1, v: 2 },
    ];
    expect(() => unnestUpdateStatements('t', dup, 'id', intTypes)).toThrow(/repeats key/);
    expect(() => unnestUpdateStatements('t', [{ v: 1 }], 'id', intTypes)).toThrow(
      /no value for the key column/,
    );
    expect(() => unnestUpdateStatements('t', [{ id: 1 }], 'id', intTypes)).toThrow(/no column to update/);
    expect(() => unnestUpdateStatements('t', [{ id: 1, nope: 1 }], 'id', intTypes)).toThrow(
      /nope does not exist/,
    );
    expect(() =>
      unnestUpdateStatements(
        't',
        [
          { id: 1, v: 1 },
          { id: 2, v: undefined },
        ],
        'id',
        intTypes,
      ),
    ).toThrow(/records\[1\]\.v is undefined/);
    expect(() => unnestUpdateStatements('t', [{ id: 1, v: 1 }], '', intTypes)).toThrow(
      expect.objectContaining({ field: 'keyColumn' }),
    );
    const records = Array.from({ length: 2_500 }, (_, i) => ({ id: i, v: i }));
    const statements = unnestUpdateStatements('t', records, 'id', intTypes, { chunkSize: 1_000 });
    expect(statements.map((statement) => (statement.values[1] as unknown[]).length)).toEqual([
      1_000, 1_000, 500,
    ]);
  });

  it('the VALUES builder also casts char without truncating it', () => {
    const [statement] = batchUpdateStatements('t', [{ id: 'a', code: 'abc' }], 'id', updateTypes);
    expect(statement?.text).toContain('($1::uuid, $2::bpchar)');
  });
});
