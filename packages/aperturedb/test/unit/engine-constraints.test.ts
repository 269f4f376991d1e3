import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApertureDBEngine } from '../../src/testing/engine/index.js';

type Value = number | string | boolean;
type Op = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';
type Condition = { readonly key: string; readonly op: Op; readonly operand: Value | Value[] };

const keys = ['a', 'b', 'c'] as const;
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('x', 'y', 'z', 'X'),
  fc.boolean(),
);
const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...keys),
    op: fc.constantFrom<Op>('==', '!=', '<', '<=', '>', '>='),
    operand: value,
  }),
  fc.record({
    key: fc.constantFrom(...keys),
    op: fc.constantFrom<Op>('in', 'not in'),
    operand: fc.array(value, { maxLength: 3 }),
  }),
);
const entity = fc.record({ a: value, b: value, c: value }, { requiredKeys: [] });

/** The reference semantics: a missing key matches nothing; values of different kinds never compare. */
function holds(entity: Record<string, Value>, { key, op, operand }: Condition): boolean {
  const actual = entity[key];
  if (actual === undefined) return false;
  const same = (other: Value) => typeof other === typeof actual;
  if (op === 'in') return (operand as Value[]).some((o) => same(o) && o === actual);
  if (op === 'not in') return !(operand as Value[]).some((o) => same(o) && o === actual);
  const o = operand as Value;
  if (op === '==') return same(o) && actual === o;
  if (op === '!=') return !(same(o) && actual === o);
  if (!same(o)) return false;
  if (op === '<') return actual < o;
  if (op === '<=') return actual <= o;
  if (op === '>') return actual > o;
  return actual >= o;
}

function toConstraints(conditions: readonly Condition[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const { key, op, operand } of conditions) out[key] = [...(out[key] ?? []), op, operand];
  return out;
}

function matchingIndexes(engine: ApertureDBEngine, constraints: unknown): number[] {
  const reply = JSON.parse(
    engine.execute(
      JSON.stringify([{ FindEntity: { with_class: 'T', constraints, results: { list: ['i'] } } }]),
      [],
    ).json,
  ) as [{ FindEntity: { entities: Array<{ i: number }> } }];
  return reply[0].FindEntity.entities.map((e) => e.i);
}

function load(entities: ReadonlyArray<Record<string, Value>>): ApertureDBEngine {
  const engine = new ApertureDBEngine();
  const adds = entities.map((properties, i) => ({
    AddEntity: { class: 'T', properties: { ...properties, i } },
  }));
  if (adds.length > 0) engine.execute(JSON.stringify(adds), []);
  return engine;
}

describe('constraints match a plain JS filter', () => {
  it('plain (AND), all and any forms, with every operator', () => {
    fc.assert(
      fc.property(
        fc.array(entity, { maxLength: 12 }),
        fc.array(condition, { minLength: 1, maxLength: 4 }),
        (entities, conditions) => {
          const engine = load(entities);
          const everyIndex = entities.map((_, i) => i);
          const and = everyIndex.filter((i) => conditions.every((c) => holds(entities[i]!, c)));
          const or = everyIndex.filter((i) => conditions.some((c) => holds(entities[i]!, c)));
          expect(matchingIndexes(engine, toConstraints(conditions))).toEqual(and);
          expect(matchingIndexes(engine, { all: toConstraints(conditions) })).toEqual(and);
          expect(matchingIndexes(engine, { any: conditions.map((c) => toConstraints([c])) })).toEqual(or);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a range on one key is the AND of its two bounds', () => {
    const engine = load([{ a: 1 }, { a: 5 }, { a: 9 }]);
    expect(matchingIndexes(engine, { a: ['>=', 2, '<=', 9] })).toEqual([1, 2]);
    expect(matchingIndexes(engine, { any: { a: ['<', 2], b: ['==', 1] } })).toEqual([0]);
  });

  it('compares {"_date": …} values as times', () => {
    const engine = load([]);
    engine.execute(
      JSON.stringify([
        { AddEntity: { class: 'T', properties: { i: 0, t: { _date: '2018-02-27T13:45:12-08:00' } } } },
        { AddEntity: { class: 'T', properties: { i: 1, t: { _date: '2018-02-27T22:00:00+02:00' } } } },
      ]),
      [],
    );
    // Entity 0 is 21:45:12Z and entity 1 is 20:00:00Z: offsets are honoured, not the text.
    expect(matchingIndexes(engine, { t: ['>', { _date: '2018-02-27T21:00:00Z' }] })).toEqual([0]);
    expect(matchingIndexes(engine, { t: ['<', { _date: '2018-02-27T21:00:00Z' }] })).toEqual([1]);
    expect(matchingIndexes(engine, { t: ['==', { _date: '2018-02-27T21:45:12Z' }] })).toEqual([0]);
  });
});
