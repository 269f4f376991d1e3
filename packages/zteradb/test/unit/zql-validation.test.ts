/**
 * Every build-time check of the ZQL builder: a `ConfigError` with code `CONN_ZTERADB_QUERY` whose
 * `field` names the bad part, thrown before anything is sent.
 */
import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import {
  type ZqlCondition,
  type ZqlExpression,
  ZTADD,
  ZTAND,
  ZTCONTAINS,
  ZTDIV,
  ZTEQUAL,
  ZTeraDBQuery,
  ZTGT,
  ZTIENDSWITH,
  ZTIN,
  ZTLTE,
  ZTMOD,
  ZTOR,
  ZTSTARTSWITH,
} from '../../src/zql/index.js';

function expectZqlError(build: () => unknown, field: string, message: RegExp): void {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.code).toBe('CONN_ZTERADB_QUERY');
  expect(error.field).toBe(field);
  expect(error.message).toMatch(message);
}

const loose = <T>(value: unknown): T => value as T;
const select = () => ZTeraDBQuery('t').select();

describe('filter helpers refuse bad arguments, naming the argument', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['ZTIN empty list', () => ZTIN('price', []), 'ZTIN(values)', /at least 1 item, got 0/],
    ['ZTIN not a list', () => ZTIN('price', loose(10)), 'ZTIN(values)', /expected an array/],
    ['ZTIN empty field', () => ZTIN('', [1]), 'ZTIN(field)', /non-empty string/],
    ['ZTGT one item', () => ZTGT(['a']), 'ZTGT(items)', /at least 2 items, got 1/],
    ['ZTLTE no items', () => ZTLTE([]), 'ZTLTE(items)', /at least 2 items, got 0/],
    ['ZTADD empty list', () => ZTADD([]), 'ZTADD(items)', /at least 1 item, got 0/],
    ['ZTDIV by 0', () => ZTDIV('a', 0), 'ZTDIV(divisor)', /must not be zero/],
    ['ZTDIV by -0', () => ZTDIV('a', -0), 'ZTDIV(divisor)', /must not be zero/],
    ['ZTDIV by empty field', () => ZTDIV('a', ''), 'ZTDIV(divisor)', /must not be zero or empty/],
    ['ZTMOD by 0', () => ZTMOD('a', 0), 'ZTMOD(divisor)', /must not be zero/],
    ['ZTMOD by false', () => ZTMOD('a', false), 'ZTMOD(divisor)', /must not be zero/],
    ['ZTCONTAINS empty text', () => ZTCONTAINS('name', ''), 'ZTCONTAINS(text)', /non-empty string/],
    ['ZTSTARTSWITH empty field', () => ZTSTARTSWITH('', 'x'), 'ZTSTARTSWITH(field)', /non-empty string/],
    ['ZTIENDSWITH number text', () => ZTIENDSWITH('a', loose(5)), 'ZTIENDSWITH(text)', /non-empty string/],
    ['ZTAND empty list', () => ZTAND([]), 'ZTAND(conditions)', /at least 1 condition/],
    ['ZTOR scalar item', () => ZTOR([loose<ZqlCondition>('a')]), 'ZTOR(conditions)[0]', /ZT\* condition/],
    [
      'ZTAND look-alike item',
      () => ZTAND([ZTEQUAL('a', 1), loose<ZqlCondition>({ operator: '=', operand: 'b', result: 2 })]),
      'ZTAND(conditions)[1]',
      /ZT\* condition/,
    ],
    ['ZTEQUAL NaN', () => ZTEQUAL('a', Number.NaN), 'ZTEQUAL(b)', /NaN is not a finite number/],
    ['ZTEQUAL array', () => ZTEQUAL(loose<ZqlExpression>(['a']), 1), 'ZTEQUAL(a)', /expected a string/],
    ['ZTEQUAL null', () => ZTEQUAL('a', loose<ZqlExpression>(null)), 'ZTEQUAL(b)', /expected a string/],
    ['ZTGT Infinity item', () => ZTGT(['a', Number.POSITIVE_INFINITY]), 'ZTGT(items)[1]', /Infinity/],
  ];
  it.each(cases)('%s', (_name, build, field, message) => expectZqlError(build, field, message));
});

describe('the query builder refuses bad parts, naming the part', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['empty schema', () => ZTeraDBQuery(''), 'schema', /non-empty/],
    ['empty database id', () => ZTeraDBQuery('t', ''), 'databaseId', /non-empty/],
    ['no query type', () => ZTeraDBQuery('t').toWire(), 'qt', /call select\(\)/],
    ['two query types', () => ZTeraDBQuery('t').select().insert(), 'qt', /already a select/],
    ['insert without values', () => ZTeraDBQuery('t').insert().toWire(), 'fields', /needs values/],
    [
      'update without values',
      () => ZTeraDBQuery('t').update().filter({ id: 1 }).toJSON(),
      'fields',
      /needs values/,
    ],
    [
      'fields on delete',
      () => loose<ReturnType<typeof select>>(ZTeraDBQuery('t').delete()).fields('a'),
      'fields',
      /select\/insert\/update/,
    ],
    ['empty fields object', () => ZTeraDBQuery('t').insert().fields({}), 'fields', /at least one field/],
    ['bad field name', () => select().fields('a-b'), 'fields', /must match/],
    ['projection other than 0/1', () => select().fields(loose({ a: 2 })), 'fields.a', /projection is 1 or 0/],
    [
      'object value',
      () =>
        ZTeraDBQuery('t')
          .insert()
          .fields(loose({ a: {} })),
      'fields.a',
      /got a object/,
    ],
    [
      'null value',
      () =>
        ZTeraDBQuery('t')
          .insert()
          .fields(loose({ a: null })),
      'fields.a',
      /got null/,
    ],
    ['NaN filter', () => select().filter({ n: Number.NaN }), 'filter.n', /got NaN/],
    [
      'filter on insert',
      () => ZTeraDBQuery('t').insert().filter({ a: 1 }),
      'filter',
      /select\/update\/delete/,
    ],
    ['empty filter', () => select().filter({}), 'filter', /at least one field/],
    [
      'hand-made condition',
      () => select().filterCondition(loose({ operator: '=' })),
      'filterCondition',
      /ZT\* helper/,
    ],
    ['sort direction 0', () => select().sort(loose({ a: 0 })), 'sort.a', /1 or -1/],
    ['sort bad name', () => select().sort(loose('-')), 'sort', /must match/],
    ['sort integer-like object key', () => select().sort(loose({ b: 1, 10: -1 })), 'sort.10', /integer-like/],
    [
      'sort on update',
      () => loose<ReturnType<typeof select>>(ZTeraDBQuery('t').update()).sort('a'),
      'sort',
      /for select/,
    ],
    [
      'limit negative start',
      () => select().limit(-1, 5),
      'limit',
      /start must be a non-negative integer, got -1/,
    ],
    ['limit fractional start', () => select().limit(0.5, 5), 'limit', /got 0.5/],
    [
      'limit end == start',
      () => select().limit(5, 5),
      'limit',
      /end must be an integer above start \(5\), got 5/,
    ],
    ['limit end below start', () => select().limit(5, 2), 'limit', /got 2/],
    ['limit end unsafe', () => select().limit(0, 2 ** 53), 'limit', /end must be/],
    ['count on delete', () => ZTeraDBQuery('t').delete().count(), 'qt', /already a delete/],
    [
      'related not select',
      () => select().relatedField('user', loose<ReturnType<typeof select>>(ZTeraDBQuery('u').insert())),
      'relatedField.user',
      /select\(\) query/,
    ],
    ['related empty array', () => select().relatedField('user', []), 'relatedField.user', /at least one/],
    [
      'related sub-query without type',
      () => select().relatedField('user', loose<ReturnType<typeof select>>(ZTeraDBQuery('u'))),
      'relatedField.user',
      /select\(\) query/,
    ],
  ];
  it.each(cases)('%s', (_name, build, field, message) => expectZqlError(build, field, message));

  it('a refused call leaves the earlier query usable (immutability)', () => {
    const base = select().fields('a');
    expect(() => base.limit(3, 1)).toThrow(ConfigError);
    expect(base.toWire()).toBe('{"sh":"t","qt":2,"fl":{"a":1}}');
  });
});
