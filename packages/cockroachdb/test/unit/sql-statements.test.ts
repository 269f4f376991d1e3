import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDatabaseStatement,
  createTableStatement,
  dropDatabaseStatement,
  dropTableStatement,
} from '../../src/sql/ddl-statements.js';
import { selectStatement } from '../../src/sql/select-statement.js';
import { ParameterList } from '../../src/sql/statement.js';
import { renderWhere } from '../../src/sql/where.js';
import {
  deleteStatement,
  insertStatement,
  updateStatement,
  upsertStatement,
} from '../../src/sql/write-statements.js';

describe('where', () => {
  it('binds values, uses IS NULL for null and = ANY for arrays, numbering placeholders in order', () => {
    const params = new ParameterList();
    expect(renderWhere({ a: 1, b: null, c: ['x', 'y'], d: 'z' }, params)).toBe(
      ' WHERE "a" = $1 AND "b" IS NULL AND "c" = ANY($2) AND "d" = $3',
    );
    expect(params.values).toEqual([1, ['x', 'y'], 'z']);
    expect(renderWhere({}, new ParameterList())).toBe('');
    expect(renderWhere(undefined, new ParameterList())).toBe('');
  });

  it('refuses undefined values (they would silently widen the filter), naming the column', () => {
    expect(() => renderWhere({ id: undefined }, new ParameterList())).toThrow(
      expect.objectContaining({ field: 'where.id' }),
    );
    expect(() => renderWhere([] as never, new ParameterList())).toThrow(ConfigError);
  });

  it('values never reach the SQL text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3 }), (value) => {
        const statement = selectStatement('t', { where: { name: value } });
        expect(statement.text).toBe('SELECT * FROM "t" WHERE "name" = $1');
        expect(statement.values).toEqual([value]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('select', () => {
  it('quotes columns, orders by typed keys, binds limit and offset (0 included)', () => {
    expect(
      selectStatement(['app', 'users'], {
        columns: ['id', 'na"me'],
        where: { active: true },
        orderBy: [{ column: 'age', direction: 'DESC', nulls: 'last' }, { column: 'id' }],
        limit: 0,
        offset: 10n,
        forUpdate: true,
      }),
    ).toEqual({
      text: 'SELECT "id", "na""me" FROM "app"."users" WHERE "active" = $1 ORDER BY "age" DESC NULLS LAST, "id" ASC LIMIT $2 OFFSET $3 FOR UPDATE',
      values: [true, 0, 10n],
    });
  });

  it('refuses bad limits, offsets, directions and orderBy shapes', () => {
    for (const limit of [-1, 1.5, Number.NaN, '1; DROP TABLE x', Number.POSITIVE_INFINITY]) {
      expect(() => selectStatement('t', { limit: limit as number })).toThrow(
        expect.objectContaining({ field: 'limit' }),
      );
    }
    expect(() => selectStatement('t', { offset: -1n })).toThrow(expect.objectContaining({ field: 'offset' }));
    expect(() => selectStatement('t', { orderBy: [{ column: 'a', direction: 'up' as 'asc' }] })).toThrow(
      expect.objectContaining({ field: 'orderBy[0].direction' }),
    );
    expect(() => selectStatement('t', { orderBy: 'a DESC' as never })).toThrow(
      expect.objectContaining({ field: 'orderBy' }),
    );
    expect(() => selectStatement('t', { orderBy: [{ column: 'a', nulls: 'middle' as 'first' }] })).toThrow(
      ConfigError,
    );
    expect(() => selectStatement('t', { columns: [] })).toThrow(ConfigError);
  });
});

describe('writes', () => {
  it('insert lists quoted columns with bound values, or DEFAULT VALUES for an empty object', () => {
    expect(insertStatement('t', { a: 1, 'b"c': 'x' })).toEqual({
      text: 'INSERT INTO "t" ("a", "b""c") VALUES ($1, $2) RETURNING *',
      values: [1, 'x'],
    });
    expect(insertStatement('t', {}, ['id'])).toEqual({
      text: 'INSERT INTO "t" DEFAULT VALUES RETURNING "id"',
      values: [],
    });
    expect(() => insertStatement('t', { a: undefined })).toThrow(
      expect.objectContaining({ field: 'data.a' }),
    );
  });

  it('upsert uses UPSERT on CockroachDB, ON CONFLICT elsewhere, and a no-op update when every column is a key', () => {
    expect(
      upsertStatement('t', { id: 1, v: 2 }, { useUpsertStatement: true, conflictColumns: [] }).text,
    ).toBe('UPSERT INTO "t" ("id", "v") VALUES ($1, $2) RETURNING *');
    expect(
      upsertStatement('t', { id: 1, v: 2 }, { useUpsertStatement: false, conflictColumns: ['id'] }).text,
    ).toBe(
      'INSERT INTO "t" ("id", "v") VALUES ($1, $2) ON CONFLICT ("id") DO UPDATE SET "v" = excluded."v" RETURNING *',
    );
    expect(upsertStatement('t', { id: 1 }, { useUpsertStatement: false, conflictColumns: ['id'] }).text).toBe(
      'INSERT INTO "t" ("id") VALUES ($1) ON CONFLICT ("id") DO UPDATE SET "id" = excluded."id" RETURNING *',
    );
    expect(() => upsertStatement('t', { id: 1 }, { useUpsertStatement: false, conflictColumns: [] })).toThrow(
      ConfigError,
    );
    expect(() => upsertStatement('t', {}, { useUpsertStatement: true, conflictColumns: [] })).toThrow(
      ConfigError,
    );
  });

  it('update and delete refuse an empty where unless allowAll', () => {
    expect(() => updateStatement('t', { a: 1 }, {})).toThrow(
      expect.objectContaining({ code: 'CONN_COCKROACHDB_EMPTY_WHERE' }),
    );
    expect(() => deleteStatement('t', {})).toThrow(
      expect.objectContaining({ code: 'CONN_COCKROACHDB_EMPTY_WHERE' }),
    );
    expect(() => deleteStatement('t', undefined)).toThrow(
      expect.objectContaining({ code: 'CONN_COCKROACHDB_EMPTY_WHERE' }),
    );
    expect(updateStatement('t', { a: 1 }, {}, { allowAll: true })).toEqual({
      text: 'UPDATE "t" SET "a" = $1 RETURNING *',
      values: [1],
    });
    expect(deleteStatement('t', {}, { allowAll: true }).text).toBe('DELETE FROM "t"');
    expect(updateStatement('t', { a: 1, b: null }, { id: 5 }, {}, ['a'])).toEqual({
      text: 'UPDATE "t" SET "a" = $1, "b" = $2 WHERE "id" = $3 RETURNING "a"',
      values: [1, null, 5],
    });
    expect(() => updateStatement('t', {}, { id: 1 })).toThrow(ConfigError);
  });
});

describe('DDL', () => {
  it('createTable quotes names, keeps definitions, and defaults to IF NOT EXISTS', () => {
    expect(
      createTableStatement('t', { id: 'UUID PRIMARY KEY DEFAULT gen_random_uuid()', 'x"y': 'TEXT' }),
    ).toBe('CREATE TABLE IF NOT EXISTS "t" ("id" UUID PRIMARY KEY DEFAULT gen_random_uuid(), "x""y" TEXT)');
    expect(
      createTableStatement('t', { a: 'INT' }, { ifNotExists: false, constraints: ['PRIMARY KEY (a)'] }),
    ).toBe('CREATE TABLE "t" ("a" INT, PRIMARY KEY (a))');
    expect(() => createTableStatement('t', {})).toThrow(ConfigError);
    expect(dropTableStatement('t')).toBe('DROP TABLE IF EXISTS "t"');
    expect(dropTableStatement(['s', 't'], { ifExists: false, cascade: true })).toBe(
      'DROP TABLE "s"."t" CASCADE',
    );
    expect(createDatabaseStatement('d"b', true)).toBe('CREATE DATABASE IF NOT EXISTS "d""b"');
    expect(dropDatabaseStatement('db', { ifExists: false })).toBe('DROP DATABASE "db"');
  });
});
