/**
 * Every filter helper of the filter-condition AST (`docs/protocols/zteradb.md`): operator,
 * operand/result placement, nesting where the notes allow it, and immutability.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  isZqlCondition,
  ZTADD,
  ZTAND,
  ZTCONTAINS,
  ZTDIV,
  ZTENDSWITH,
  ZTEQUAL,
  ZTGT,
  ZTGTE,
  ZTICONTAINS,
  ZTIENDSWITH,
  ZTIN,
  ZTISTARTSWITH,
  ZTLT,
  ZTLTE,
  ZTMOD,
  ZTMUL,
  ZTOR,
  ZTSTARTSWITH,
  ZTSUB,
} from '../../src/zql/index.js';

const text = (value: unknown): string => JSON.stringify(value);

describe('filter helpers build the AST nodes of the notes', () => {
  it('ZTEQUAL: field and literal', () => {
    expect(text(ZTEQUAL('name', 'Tea'))).toBe('{"operator":"=","operand":"name","result":"Tea"}');
    expect(text(ZTEQUAL('paid', false))).toBe('{"operator":"=","operand":"paid","result":false}');
  });

  it('ZTEQUAL takes a condition as result (the Node client refuses it)', () => {
    expect(text(ZTEQUAL('total', ZTADD(['a', 'b'])))).toBe(
      '{"operator":"=","operand":"total","result":{"operator":"+","operand":["a","b"]}}',
    );
  });

  it('ZTIN: field operand, list result, nested conditions allowed', () => {
    expect(text(ZTIN('price', [10, 20]))).toBe('{"operator":"IN","operand":"price","result":[10,20]}');
    expect(text(ZTIN('id', [ZTADD([1, 2])]))).toBe(
      '{"operator":"IN","operand":"id","result":[{"operator":"+","operand":[1,2]}]}',
    );
  });

  it.each([
    [ZTGT, '>'],
    [ZTGTE, '>='],
    [ZTLT, '<'],
    [ZTLTE, '<='],
  ] as const)('comparison %#: operator %s over a list, nested conditions allowed', (helper, operator) => {
    expect(text(helper(['price', 10]))).toBe(`{"operator":"${operator}","operand":["price",10]}`);
    expect(text(helper([ZTMUL(['price', 'qty']), 'limit', 3]))).toBe(
      `{"operator":"${operator}","operand":[{"operator":"*","operand":["price","qty"]},"limit",3]}`,
    );
  });

  it.each([
    [ZTADD, '+'],
    [ZTSUB, '-'],
    [ZTMUL, '*'],
  ] as const)('arithmetic %#: operator %s over a list of any non-zero length', (helper, operator) => {
    expect(text(helper(['a']))).toBe(`{"operator":"${operator}","operand":["a"]}`);
    expect(text(helper(['a', 2, 3.5]))).toBe(`{"operator":"${operator}","operand":["a",2,3.5]}`);
  });

  it('ZTDIV and ZTMOD: a pair operand', () => {
    expect(text(ZTDIV('c', 2))).toBe('{"operator":"/","operand":["c",2]}');
    expect(text(ZTMOD('n', 'm'))).toBe('{"operator":"%","operand":["n","m"]}');
    expect(text(ZTDIV(ZTSUB(['a', 'b']), -0.5))).toBe(
      '{"operator":"/","operand":[{"operator":"-","operand":["a","b"]},-0.5]}',
    );
  });

  it.each([
    [ZTCONTAINS, '%%'],
    [ZTICONTAINS, 'i%%'],
    [ZTSTARTSWITH, '^%%'],
    [ZTISTARTSWITH, '^i%%'],
    [ZTENDSWITH, '%%$'],
    [ZTIENDSWITH, 'i%%$'],
  ] as const)('string match %#: operator %s, field operand, text result', (helper, operator) => {
    expect(text(helper('name', 'wire'))).toBe(`{"operator":"${operator}","operand":"name","result":"wire"}`);
  });

  it.each([
    [ZTAND, '&&'],
    [ZTOR, '||'],
  ] as const)('logical %#: operator %s over a list of conditions', (helper, operator) => {
    const a = ZTEQUAL('a', 1);
    const b = ZTGT(['b', 2]);
    expect(text(helper([a, b]))).toBe(
      `{"operator":"${operator}","operand":[{"operator":"=","operand":"a","result":1},{"operator":">","operand":["b",2]}]}`,
    );
  });

  it('conditions are frozen and recognised; look-alike objects are not', () => {
    const condition = ZTIN('price', [10]);
    expect(isZqlCondition(condition)).toBe(true);
    expect(Object.isFrozen(condition)).toBe(true);
    expect(Object.isFrozen(condition.result)).toBe(true);
    expect(isZqlCondition({ operator: '=', operand: 'a', result: 1 })).toBe(false);
  });

  it('the input list is copied: changing it later does not change the condition', () => {
    const items: Array<string | number> = ['a', 1];
    const condition = ZTGT(items);
    items.push(99);
    expect(text(condition)).toBe('{"operator":">","operand":["a",1]}');
  });

  it('a condition from another copy of the module (ESM next to CommonJS) is still accepted', async () => {
    vi.resetModules();
    const other = await import('../../src/zql/filter.js');
    const foreign = other.ZTEQUAL('a', 1);
    expect(isZqlCondition(foreign)).toBe(true);
    expect(text(ZTAND([foreign]))).toBe(
      '{"operator":"&&","operand":[{"operator":"=","operand":"a","result":1}]}',
    );
  });
});
