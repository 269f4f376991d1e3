import { isJsonObject, type JsonObject, type JsonValue } from '../protocol/index.js';
import { TestServerFailure } from './error-codes.js';
import { matchesCondition } from './filter-evaluator.js';
import { conditionList, limitPair, optionalMap, scalarValues } from './query-parts.js';
import type { TableStore, TestRow, TestTable } from './table-store.js';

/** How `lt: [start, end]` is read; the notes leave it open (docs/protocols/zteradb.md, limit semantics). */
export type LimitSemantics = 'range' | 'offset-count';

/** What a query produces: rows to stream (code 7 each) or one result object. */
export type QueryOutcome =
  | { readonly kind: 'rows'; readonly rows: readonly TestRow[] }
  | { readonly kind: 'result'; readonly data: JsonObject };

const QueryType = { INSERT: 1, SELECT: 2, UPDATE: 3, DELETE: 4 } as const;

/**
 * Runs one ZQL object (docs/protocols/zteradb.md, ZQL query object) against the store. `fi` is
 * ANDed with every `fc` element. A non-empty `db` in the query overrides the envelope's database.
 * @throws TestServerFailure with the error kind the notes give for the problem.
 */
export function evaluateQuery(
  store: TableStore,
  envelopeDatabaseId: string | undefined,
  query: JsonValue | undefined,
  limits: LimitSemantics,
): QueryOutcome {
  if (!isJsonObject(query)) throw new TestServerFailure('PARSE_QUERY_ERROR', 'query must be a ZQL object');
  const table = tableOf(store, envelopeDatabaseId, query);
  const matching = (): TestRow[] => filterRows(table, query, store, envelopeDatabaseId, limits);
  switch (query.qt) {
    case QueryType.SELECT: {
      if (query.cnt === true) return { kind: 'result', data: { count: matching().length } };
      return { kind: 'rows', rows: project(limit(sortRows(matching(), query), query, limits), query, table) };
    }
    case QueryType.INSERT: {
      const values = scalarValues(optionalMap(query, 'fl'), 'fl');
      if (Object.keys(values).length === 0) throw new TestServerFailure('QUERY_ERROR', 'insert needs fields');
      checkFields(table, Object.keys(values));
      return { kind: 'result', data: { last_insert_id: table.insert(values) } };
    }
    case QueryType.UPDATE: {
      const values = scalarValues(optionalMap(query, 'fl'), 'fl');
      if (Object.keys(values).length === 0) throw new TestServerFailure('QUERY_ERROR', 'update needs fields');
      checkFields(table, Object.keys(values));
      const rows = matching();
      for (const row of rows) Object.assign(row, values);
      return { kind: 'result', data: { is_updated: rows.length > 0 } };
    }
    case QueryType.DELETE: {
      const doomed = new Set(matching());
      for (let index = table.rows.length - 1; index >= 0; index -= 1) {
        if (doomed.has(table.rows[index] as TestRow)) table.rows.splice(index, 1);
      }
      return { kind: 'result', data: { is_deleted: doomed.size > 0 } };
    }
    default:
      throw new TestServerFailure(
        'PARSE_QUERY_ERROR',
        'qt must be 1 (insert), 2 (select), 3 (update) or 4 (delete)',
      );
  }
}

function tableOf(store: TableStore, envelopeDatabaseId: string | undefined, query: JsonObject): TestTable {
  const databaseId = typeof query.db === 'string' && query.db !== '' ? query.db : envelopeDatabaseId;
  if (databaseId === undefined || !store.hasDatabase(databaseId)) {
    throw new TestServerFailure('NO_ACCESS', 'unknown database');
  }
  if (typeof query.sh !== 'string' || query.sh === '') {
    throw new TestServerFailure('PARSE_QUERY_ERROR', 'sh (the schema name) is required');
  }
  const table = store.table(databaseId, query.sh);
  if (table === undefined)
    throw new TestServerFailure('INVALID_SCHEMA', `unknown schema ${JSON.stringify(query.sh)}`);
  return table;
}

/** The live row objects that pass `fi`, every `fc` element and every `rf` sub-query. */
function filterRows(
  table: TestTable,
  query: JsonObject,
  store: TableStore,
  databaseId: string | undefined,
  limits: LimitSemantics,
): TestRow[] {
  const equalities = Object.entries(scalarValues(optionalMap(query, 'fi'), 'fi'));
  checkFields(
    table,
    equalities.map(([field]) => field),
  );
  const conditions = conditionList(query);
  const related = relatedIdSets(query, store, databaseId, limits);
  const columns = table.columns();
  return table.rows.filter(
    (row) =>
      equalities.every(([field, value]) => row[field] === value) &&
      conditions.every((condition) => matchesCondition(condition, { row, columns })) &&
      related.every(([field, ids]) => ids.has(row[field] ?? null)),
  );
}

/**
 * `rf: {relation: sub-query}` (or a list of sub-queries, the Node form) keeps rows whose relation
 * field holds the `id` of a row the sub-query selects. How the real server shows related rows is
 * unknown (docs/protocols/zteradb.md, row format), so rows come back flat.
 */
function relatedIdSets(
  query: JsonObject,
  store: TableStore,
  databaseId: string | undefined,
  limits: LimitSemantics,
): [string, Set<JsonValue>][] {
  return Object.entries(optionalMap(query, 'rf')).map(([field, subQueries]) => {
    const ids = new Set<JsonValue>();
    for (const subQuery of Array.isArray(subQueries) ? subQueries : [subQueries]) {
      const outcome = evaluateQuery(store, databaseId, subQuery, limits);
      if (outcome.kind !== 'rows')
        throw new TestServerFailure('PARSE_QUERY_ERROR', `rf.${field} must be a select`);
      for (const row of outcome.rows) ids.add(row.id ?? null);
    }
    return [field, ids];
  });
}

function checkFields(table: TestTable, fields: readonly string[]): void {
  const columns = table.columns();
  if (columns.size === 0) return;
  const unknown = fields.find((field) => !columns.has(field));
  if (unknown !== undefined)
    throw new TestServerFailure('FIELD_ERROR', `unknown field ${JSON.stringify(unknown)}`);
}

/** `st` key order is priority; 1 ascending, anything else descending (the Python client's reading). */
function sortRows(rows: TestRow[], query: JsonObject): TestRow[] {
  const keys = Object.entries(optionalMap(query, 'st'));
  if (keys.length === 0) return rows;
  return [...rows].sort((left, right) => {
    for (const [field, direction] of keys) {
      const order = compareValues(left[field], right[field]);
      if (order !== 0) return direction === 1 ? order : -order;
    }
    return 0;
  });
}

/** NULLs first, then by value; values of different types by type name so the order is total. */
function compareValues(left: JsonValue | undefined, right: JsonValue | undefined): number {
  const a = left ?? null;
  const b = right ?? null;
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

function limit(rows: TestRow[], query: JsonObject, limits: LimitSemantics): TestRow[] {
  const pair = limitPair(query);
  if (pair === undefined) return rows;
  const [start, second] = pair;
  return rows.slice(start, limits === 'range' ? Math.max(start, second) : start + second);
}

/** `fl` of a select: fields marked 1 are kept; with only 0s, those are dropped. Rows are copies. */
function project(rows: TestRow[], query: JsonObject, table: TestTable): TestRow[] {
  const projection = Object.entries(optionalMap(query, 'fl'));
  checkFields(
    table,
    projection.map(([field]) => field),
  );
  const kept = projection.filter(([, flag]) => flag === 1 || flag === true).map(([field]) => field);
  const dropped = new Set(
    projection.filter(([, flag]) => !(flag === 1 || flag === true)).map(([field]) => field),
  );
  return rows.map((row) => {
    if (kept.length > 0)
      return Object.fromEntries(
        kept.filter((field) => field in row).map((field) => [field, row[field] as JsonValue]),
      );
    return Object.fromEntries(Object.entries(row).filter(([field]) => !dropped.has(field)));
  });
}
