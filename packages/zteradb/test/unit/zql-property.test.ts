/**
 * Properties of the ZQL builder over random input:
 * - any filter built from the helpers serialises to a valid node of the notes' AST grammar
 *   (checked by an independent validator) and to exactly the JSON a plain model predicts;
 * - any query's wire text lists its keys in the official order with no empty map, list or false cnt;
 * - a sort keeps the caller's priority on the wire even for integer-like field names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ZqlCondition, ZqlExpression } from '../../src/zql/index.js';
import * as zql from '../../src/zql/index.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
interface Built {
  readonly condition: ZqlCondition;
  readonly expected: Json;
}
type Expr = { readonly value: ZqlExpression; readonly expected: Json };

const MATCH = ['%%', 'i%%', '^%%', '^i%%', '%%$', 'i%%$'];
const COMPARE = ['>', '>=', '<', '<='];
const ARITH = ['+', '-', '*'];

/** The notes' grammar, written independently of the builder. */
function isNode(value: Json): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const { operator, operand, result } = value;
  const shape = (withResult: boolean) =>
    keys.join() === (withResult ? 'operator,operand,result' : 'operator,operand');
  const nonEmptyText = (v: Json | undefined) => typeof v === 'string' && v.length > 0;
  const list = (v: Json | undefined, min: number) => Array.isArray(v) && v.length >= min && v.every(isExpr);
  if (operator === '=') return shape(true) && isExpr(operand!) && isExpr(result!);
  if (operator === 'IN') return shape(true) && nonEmptyText(operand) && list(result, 1);
  if (COMPARE.includes(operator as string)) return shape(false) && list(operand, 2);
  if (ARITH.includes(operator as string)) return shape(false) && list(operand, 1);
  if (operator === '/' || operator === '%') {
    return (
      shape(false) &&
      list(operand, 2) &&
      (operand as Json[]).length === 2 &&
      ![0, '', false].includes((operand as Json[])[1] as never)
    );
  }
  if (MATCH.includes(operator as string)) return shape(true) && nonEmptyText(operand) && nonEmptyText(result);
  if (operator === '&&' || operator === '||')
    return shape(false) && Array.isArray(operand) && operand.length >= 1 && operand.every(isNode);
  return false;
}

function isExpr(value: Json): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return isNode(value);
}

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
const scalar: fc.Arbitrary<Expr> = fc
  .oneof(name, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean())
  .map((value) => ({ value, expected: JSON.parse(JSON.stringify(value)) as Json }));
const nonZero: fc.Arbitrary<Expr> = scalar.filter(
  (e) => e.value !== 0 && e.value !== '' && e.value !== false,
);

const { condition: conditionArb } = fc.letrec<{ condition: Built; expr: Expr }>((tie) => {
  const cond = tie('condition');
  const expr = fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    cond.map((b) => ({ value: b.condition, expected: b.expected })),
  );
  const exprs = (min: number) => fc.array(expr, { minLength: min, maxLength: 4 });
  const make = (condition: ZqlCondition, expected: Json): Built => ({ condition, expected });
  return {
    expr,
    condition: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(name, fc.constantFrom(...MATCH), name).map(([field, op, text]) => {
        const helper = {
          '%%': zql.ZTCONTAINS,
          'i%%': zql.ZTICONTAINS,
          '^%%': zql.ZTSTARTSWITH,
          '^i%%': zql.ZTISTARTSWITH,
          '%%$': zql.ZTENDSWITH,
          'i%%$': zql.ZTIENDSWITH,
        }[op]!;
        return make(helper(field, text), { operator: op, operand: field, result: text });
      }),
      fc
        .tuple(expr, expr)
        .map(([a, b]) =>
          make(zql.ZTEQUAL(a.value, b.value), { operator: '=', operand: a.expected, result: b.expected }),
        ),
      fc.tuple(name, exprs(1)).map(([field, values]) =>
        make(
          zql.ZTIN(
            field,
            values.map((v) => v.value),
          ),
          { operator: 'IN', operand: field, result: values.map((v) => v.expected) },
        ),
      ),
      fc.tuple(fc.constantFrom(...COMPARE), exprs(2)).map(([op, items]) => {
        const helper = { '>': zql.ZTGT, '>=': zql.ZTGTE, '<': zql.ZTLT, '<=': zql.ZTLTE }[op]!;
        return make(helper(items.map((i) => i.value)), {
          operator: op,
          operand: items.map((i) => i.expected),
        });
      }),
      fc.tuple(fc.constantFrom(...ARITH), exprs(1)).map(([op, items]) => {
        const helper = { '+': zql.ZTADD, '-': zql.ZTSUB, '*': zql.ZTMUL }[op]!;
        return make(helper(items.map((i) => i.value)), {
          operator: op,
          operand: items.map((i) => i.expected),
        });
      }),
      fc.tuple(fc.constantFrom('/', '%'), expr, nonZero).map(([op, a, b]) => {
        const helper = op === '/' ? zql.ZTDIV : zql.ZTMOD;
        return make(helper(a.value, b.value), { operator: op, operand: [a.expected, b.expected] });
      }),
      fc
        .tuple(fc.constantFrom('&&', '||'), fc.array(cond, { minLength: 1, maxLength: 3 }))
        .map(([op, parts]) => {
          const helper = op === '&&' ? zql.ZTAND : zql.ZTOR;
          return make(helper(parts.map((p) => p.condition)), {
            operator: op,
            operand: parts.map((p) => p.expected),
          });
        }),
    ),
  };
});

describe('random filters', () => {
  it('serialise to a valid AST node equal to the model, inside a query fc list', () => {
    fc.assert(
      fc.property(fc.array(conditionArb, { minLength: 1, maxLength: 3 }), (built) => {
        let query = zql.ZTeraDBQuery('t').select();
        for (const b of built) query = query.filterCondition(b.condition);
        const parsed = JSON.parse(query.toWire()) as { fc: Json[] };
        expect(parsed.fc).toEqual(built.map((b) => b.expected));
        expect(parsed.fc.every(isNode)).toBe(true);
        expect(JSON.stringify(query.toJSON())).toBe(query.toWire());
      }),
      { numRuns: 300 },
    );
  });

  it('the grammar validator itself refuses broken nodes (so the property above can fail)', () => {
    expect(isNode({ operator: '>', operand: ['a'] })).toBe(false);
    expect(isNode({ operand: 'a', operator: '=', result: 1 })).toBe(false);
    expect(isNode({ operator: '/', operand: ['a', 0] })).toBe(false);
    expect(isNode({ operator: 'IN', operand: 'a', result: [] })).toBe(false);
    expect(isNode({ operator: '!=', operand: 'a', result: 1 })).toBe(false);
    expect(isNode({ operator: '&&', operand: ['a'] })).toBe(false);
  });
});

const WIRE_ORDER = ['sh', 'db', 'qt', 'fl', 'rf', 'fi', 'fc', 'st', 'lt', 'cnt'];

describe('random queries', () => {
  const values = fc.dictionary(name, fc.oneof(name, fc.integer(), fc.boolean()), { maxKeys: 3 });
  it('list their keys in the official order and omit empty parts', () => {
    fc.assert(
      fc.property(
        fc.option(name, { nil: undefined }),
        fc.subarray(['a', 'b', 'c']),
        values,
        fc.array(conditionArb, { maxLength: 2 }),
        fc.subarray(['x', '-y', 'z']),
        fc.option(fc.tuple(fc.nat(100), fc.integer({ min: 1, max: 100 })), { nil: undefined }),
        fc.boolean(),
        (db, fields, filters, conditions, sort, limit, count) => {
          let query = zql.ZTeraDBQuery('t', db).select();
          if (fields.length > 0) query = query.fields(...(fields as [string]));
          if (Object.keys(filters).length > 0) query = query.filter(filters);
          for (const c of conditions) query = query.filterCondition(c.condition);
          if (sort.length > 0) query = query.sort(...(sort as [string]));
          if (limit) query = query.limit(limit[0], limit[0] + limit[1]);
          if (count) query = query.count();
          const keys = Object.keys(JSON.parse(query.toWire()) as object);
          const expected = WIRE_ORDER.filter(
            (key) =>
              key === 'sh' ||
              key === 'qt' ||
              (key === 'db' && db !== undefined) ||
              (key === 'fl' && fields.length > 0) ||
              (key === 'fi' && Object.keys(filters).length > 0) ||
              (key === 'fc' && conditions.length > 0) ||
              (key === 'st' && sort.length > 0) ||
              (key === 'lt' && limit !== undefined) ||
              (key === 'cnt' && count),
          );
          expect(keys).toEqual(expected);
        },
      ),
    );
  });

  it('keep the sort priority on the wire, integer-like names included', () => {
    const sortKey = fc.tuple(fc.oneof(name, fc.nat(50).map(String)), fc.boolean());
    fc.assert(
      fc.property(fc.uniqueArray(sortKey, { minLength: 1, maxLength: 5, selector: ([k]) => k }), (keys) => {
        const query = zql
          .ZTeraDBQuery('t')
          .select()
          .sort(...(keys.map(([k, down]) => (down ? `-${k}` : k)) as [string]));
        const st = keys.map(([k, down]) => `"${k}":${down ? -1 : 1}`).join(',');
        expect(query.toWire()).toBe(`{"sh":"t","qt":2,"st":{${st}}}`);
        const jsOrder = Object.keys(Object.fromEntries(keys.map(([k]) => [k, 0])));
        if (jsOrder.join() === keys.map(([k]) => k).join()) {
          expect(JSON.stringify(query)).toBe(query.toWire());
        } else {
          expect(() => query.toJSON()).toThrow(/integer-like field names would be reordered/);
        }
      }),
    );
  });
});
