// A property through the whole driver: a select built with the ZQL builder (filters, conditions,
// sort, limit, fields) and run by ZTeraDBClient returns the rows a plain JavaScript model of the
// same query computes over the same data.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZTeraDBClient } from '../../src/client.js';
import { startZTeraDBTestServer, type ZTeraDBTestServer } from '../../src/testing/index.js';
import {
  type ZqlCondition,
  ZTAND,
  ZTCONTAINS,
  ZTEQUAL,
  ZTeraDBQuery,
  ZTGT,
  ZTIN,
  ZTLTE,
  ZTOR,
} from '../../src/zql/index.js';
import { TEST_KEY } from '../support/raw-zteradb-client.js';

/** A type alias, not an interface: the server's row type needs the implicit index signature. */
type Row = { id: number; a: number; b: number; name: string; status: string };
type Field = keyof Row;

const FIELDS: readonly Field[] = ['id', 'a', 'b', 'name', 'status'];

const ROWS: Row[] = Array.from({ length: 60 }, (_, id) => ({
  id,
  a: (id * 7) % 11,
  b: ((id * 5) % 13) - 4,
  name: ['Alpha', 'beta', 'GammaRay', 'alphabet', 'Delta'][id % 5] as string,
  status: id % 3 === 0 ? 'A' : 'B',
}));

/** A condition on the wire and what it means for a row. */
interface Predicate {
  wire: ZqlCondition;
  holds: (row: Row) => boolean;
}

const numericField = fc.constantFrom<'a' | 'b'>('a', 'b');

const leaf: fc.Arbitrary<Predicate> = fc.oneof(
  fc.tuple(numericField, fc.integer({ min: -5, max: 12 })).map(([field, n]) => ({
    wire: ZTGT([field, n]),
    holds: (row: Row) => row[field] > n,
  })),
  fc.tuple(numericField, fc.integer({ min: -5, max: 12 })).map(([field, n]) => ({
    wire: ZTLTE([field, n]),
    holds: (row: Row) => row[field] <= n,
  })),
  fc.constantFrom('a', 'al', 'ta', 'Ray', 'z').map((text) => ({
    wire: ZTCONTAINS('name', text),
    holds: (row: Row) => row.name.includes(text),
  })),
  fc.constantFrom('A', 'B').map((status) => ({
    wire: ZTEQUAL('status', status),
    holds: (row: Row) => row.status === status,
  })),
  fc.uniqueArray(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 4 }).map((values) => ({
    wire: ZTIN('a', values),
    holds: (row: Row) => values.includes(row.a),
  })),
);

const predicate: fc.Arbitrary<Predicate> = fc.oneof(
  leaf,
  fc
    .tuple(fc.constantFrom('&&', '||'), fc.array(leaf, { minLength: 2, maxLength: 3 }))
    .map(([op, parts]) => ({
      wire: (op === '&&' ? ZTAND : ZTOR)(parts.map((part) => part.wire)),
      holds: (row: Row) =>
        op === '&&' ? parts.every((part) => part.holds(row)) : parts.some((part) => part.holds(row)),
    })),
);

/** Everything one generated select asks for. */
interface SelectSpec {
  equalStatus: 'A' | 'B' | undefined;
  conditions: Predicate[];
  sort: { field: Field; descending: boolean }[];
  limit: [number, number] | undefined;
  fields: Field[];
}

const selectSpec: fc.Arbitrary<SelectSpec> = fc.record({
  equalStatus: fc.option(fc.constantFrom<'A' | 'B'>('A', 'B'), { nil: undefined }),
  conditions: fc.array(predicate, { maxLength: 2 }),
  sort: fc.uniqueArray(fc.record({ field: fc.constantFrom(...FIELDS), descending: fc.boolean() }), {
    maxLength: 3,
    selector: (key) => key.field,
  }),
  limit: fc.option(
    fc
      .tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 70 }))
      .map(([start, span]): [number, number] => [start, start + span]),
    { nil: undefined },
  ),
  fields: fc.subarray([...FIELDS]),
});

function buildQuery(spec: SelectSpec) {
  let query = ZTeraDBQuery<Row>('item').select();
  if (spec.equalStatus !== undefined) query = query.filter({ status: spec.equalStatus });
  for (const condition of spec.conditions) query = query.filterCondition(condition.wire);
  const [firstKey, ...moreKeys] = spec.sort.map(({ field, descending }) =>
    descending ? (`-${field}` as const) : field,
  );
  if (firstKey !== undefined) query = query.sort(firstKey, ...moreKeys);
  if (spec.limit !== undefined) query = query.limit(spec.limit[0], spec.limit[1]);
  const [firstField, ...moreFields] = spec.fields;
  if (firstField !== undefined) query = query.fields(firstField, ...moreFields) as typeof query;
  return query;
}

/** The same query in plain JavaScript: filter, stable sort by the keys in order, `[start, end)`, project. */
function expectedRows(spec: SelectSpec): Record<string, unknown>[] {
  let rows = ROWS.filter(
    (row) =>
      (spec.equalStatus === undefined || row.status === spec.equalStatus) &&
      spec.conditions.every((condition) => condition.holds(row)),
  );
  rows = [...rows].sort((left, right) => {
    for (const { field, descending } of spec.sort) {
      if (left[field] === right[field]) continue;
      const order = left[field] < right[field] ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
  if (spec.limit !== undefined) rows = rows.slice(spec.limit[0], spec.limit[1]);
  if (spec.fields.length === 0) return rows;
  return rows.map((row) => Object.fromEntries(spec.fields.map((field) => [field, row[field]])));
}

let server: ZTeraDBTestServer;
let client: ZTeraDBClient;
beforeAll(async () => {
  server = await startZTeraDBTestServer({ databases: { DB1: { item: ROWS } }, keys: [TEST_KEY] });
  client = ZTeraDBClient.fromUrl(server.url, { pool: { max: 1 } });
});
afterAll(async () => {
  await client.close({ timeoutMs: 1_000 });
  await server.close();
});

describe('ZTeraDBClient: builder queries against a JavaScript model', () => {
  it('run(query).toArray() returns the rows a plain JavaScript filter, sort, limit and projection give', async () => {
    await fc.assert(
      fc.asyncProperty(selectSpec, async (spec) => {
        const rows = await client.run(buildQuery(spec)).toArray();
        expect(rows).toEqual(expectedRows(spec));
      }),
      { numRuns: 100 },
    );
    // Every run used the one pooled connection: each answer was read to its end.
    expect(server.acceptedCount).toBe(1);
    expect(server.queryCount).toBe(100);
  });
});
