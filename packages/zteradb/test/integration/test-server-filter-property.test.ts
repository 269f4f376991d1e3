import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ZqlCondition,
  type ZqlExpression,
  ZTADD,
  ZTAND,
  ZTCONTAINS,
  ZTDIV,
  ZTENDSWITH,
  ZTEQUAL,
  ZTeraDBQuery,
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
import { type ConnectedServer, connectedServer } from '../support/connected-server.js';
import { rowsOf } from '../support/raw-zteradb-client.js';

/** A type alias, not an interface: the server's row type needs the implicit index signature. */
type Row = {
  id: number;
  a: number;
  b: number;
  name: string;
  status: string;
};

/** A wire expression and the plain JavaScript meaning the test expects of it. */
interface Numeric {
  wire: ZqlExpression;
  value: (row: Row) => number;
}
interface Predicate {
  wire: ZqlCondition;
  holds: (row: Row) => boolean;
}

const ROWS: Row[] = Array.from({ length: 40 }, (_, id) => ({
  id,
  a: (id * 7) % 11,
  b: ((id * 5) % 13) - 4,
  name: ['Alpha', 'beta', 'GammaRay', 'alphabet', 'Delta'][id % 5] as string,
  status: id % 3 === 0 ? 'A' : 'B',
}));

const numeric: fc.Arbitrary<Numeric> = fc.letrec<{ expr: Numeric }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Numeric>({ wire: 'a', value: (row) => row.a }, { wire: 'b', value: (row) => row.b }),
    fc.integer({ min: -5, max: 12 }).map<Numeric>((n) => ({ wire: n, value: () => n })),
    fc.tuple(fc.constantFrom('+', '-', '*'), tie('expr'), tie('expr')).map<Numeric>(([op, x, y]) => ({
      wire: (op === '+' ? ZTADD : op === '-' ? ZTSUB : ZTMUL)([x.wire, y.wire]),
      value: (row) =>
        op === '+'
          ? x.value(row) + y.value(row)
          : op === '-'
            ? x.value(row) - y.value(row)
            : x.value(row) * y.value(row),
    })),
    fc
      .tuple(fc.constantFrom('/', '%'), tie('expr'), fc.integer({ min: 1, max: 4 }))
      .map<Numeric>(([op, x, d]) => ({
        wire: op === '/' ? ZTDIV(x.wire, d) : ZTMOD(x.wire, d),
        value: (row) => (op === '/' ? x.value(row) / d : x.value(row) % d),
      })),
  ),
})).expr;

const comparisons = { '>': ZTGT, '>=': ZTGTE, '<': ZTLT, '<=': ZTLTE } as const;
const matchers = {
  contains: [ZTCONTAINS, (t: string, s: string) => t.includes(s)],
  icontains: [ZTICONTAINS, (t: string, s: string) => t.toLowerCase().includes(s.toLowerCase())],
  startswith: [ZTSTARTSWITH, (t: string, s: string) => t.startsWith(s)],
  istartswith: [ZTISTARTSWITH, (t: string, s: string) => t.toLowerCase().startsWith(s.toLowerCase())],
  endswith: [ZTENDSWITH, (t: string, s: string) => t.endsWith(s)],
  iendswith: [ZTIENDSWITH, (t: string, s: string) => t.toLowerCase().endsWith(s.toLowerCase())],
} as const;

const leaf: fc.Arbitrary<Predicate> = fc.oneof(
  fc
    .tuple(fc.constantFrom('>', '>=', '<', '<=') as fc.Arbitrary<keyof typeof comparisons>, numeric, numeric)
    .map(([op, x, y]) => ({
      wire: comparisons[op]([x.wire, y.wire]),
      holds: (row: Row) => {
        const l = x.value(row);
        const r = y.value(row);
        return op === '>' ? l > r : op === '>=' ? l >= r : op === '<' ? l < r : l <= r;
      },
    })),
  fc
    .tuple(
      fc.constantFrom(...(Object.keys(matchers) as (keyof typeof matchers)[])),
      fc.constantFrom('a', 'A', 'al', 'ET', 'ta', 'ray', 'z'),
    )
    .map(([kind, text]) => {
      const [helper, test] = matchers[kind];
      return { wire: helper('name', text), holds: (row: Row) => test(row.name, text) };
    }),
  fc
    .constantFrom('A', 'B')
    .map((status) => ({ wire: ZTEQUAL('status', status), holds: (row: Row) => row.status === status })),
  numeric.map((x) => ({ wire: ZTEQUAL(x.wire, 3), holds: (row: Row) => x.value(row) === 3 })),
  fc.uniqueArray(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 4 }).map((values) => ({
    wire: ZTIN('a', values),
    holds: (row: Row) => values.includes(row.a),
  })),
);

const predicate: fc.Arbitrary<Predicate> = fc.letrec<{ p: Predicate }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(fc.constantFrom('&&', '||'), fc.array(tie('p'), { minLength: 2, maxLength: 3 }))
      .map(([op, parts]) => ({
        wire: (op === '&&' ? ZTAND : ZTOR)(parts.map((part) => part.wire)),
        holds: (row: Row) =>
          op === '&&' ? parts.every((part) => part.holds(row)) : parts.some((part) => part.holds(row)),
      })),
  ),
})).p;

let connected: ConnectedServer;
beforeAll(async () => {
  connected = await connectedServer({ databases: { DB1: { item: ROWS } } });
});
afterAll(async () => {
  await connected.close();
});

describe('ZTeraDB test server: filter evaluation', () => {
  it('selects the same rows as a plain JavaScript filter over the same data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(predicate, { minLength: 1, maxLength: 2 }), async (predicates) => {
        let query = ZTeraDBQuery<Row>('item').select();
        for (const p of predicates) query = query.filterCondition(p.wire);
        const got = rowsOf(await connected.client.query(query)).map((row) => row.id);
        const expected = ROWS.filter((row) => predicates.every((p) => p.holds(row))).map((row) => row.id);
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
