/**
 * Typed rows through the generic: field names, values and per-kind methods are checked by the
 * compiler (`pnpm run typecheck` fails if an `@ts-expect-error` below stops being an error), and
 * the runtime refuses the same misuse from untyped callers.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ZqlQuery, ZTeraDBQuery } from '../../src/zql/index.js';

interface User {
  id: string;
  email: string;
  status: boolean;
  age: number;
}

describe('ZTeraDBQuery<Row> types', () => {
  it('tracks the kind and the row type', () => {
    const query = ZTeraDBQuery<User>('user').select().fields('email', 'status').sort('-age').limit(0, 5);
    expectTypeOf(query).toEqualTypeOf<ZqlQuery<User, 'select'>>();
    expect(query.kind).toBe('select');
    expect(query.schema).toBe('user');
    expectTypeOf(ZTeraDBQuery<User>('user').count()).toEqualTypeOf<ZqlQuery<User, 'select'>>();
    expectTypeOf(ZTeraDBQuery<User>('user').insert().fields({ email: 'a' })).toEqualTypeOf<
      ZqlQuery<User, 'insert'>
    >();
  });

  it('refuses unknown fields, wrong value types and methods of other kinds', () => {
    const user = ZTeraDBQuery<User>('user');
    // @ts-expect-error: 'name' is not a field of User
    expect(() => user.select().fields('name')).not.toThrow();
    // @ts-expect-error: age is a number
    expect(() => user.insert().fields({ age: 'old' })).not.toThrow();
    // @ts-expect-error: sort exists only on selects
    expect(() => user.insert().sort('email')).toThrow(/sort: is for select queries, this one is insert/);
    // @ts-expect-error: limit exists only on selects
    expect(() => user.delete().limit(0, 1)).toThrow(/limit: is for select queries/);
    // @ts-expect-error: a projection is 0 or 1
    expect(() => user.select().fields({ email: 2 })).toThrow(/projection is 1 or 0/);
    // @ts-expect-error: '-nope' is not a sort key of User
    expect(() => user.select().sort('-nope')).not.toThrow();
  });
});
