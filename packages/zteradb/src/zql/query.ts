/**
 * The ZQL query builder: an immutable, typed take on the official `ZTeraDBQuery`. Every method
 * checks its arguments at once and returns a new query; `toWire()` writes the query object with
 * the official Python client's omission rules and key order (`docs/protocols/zteradb.md`, ZQL
 * query object), so its text equals that client's output for the same calls.
 */
import { isZqlCondition, type ZqlCondition, type ZqlScalar } from './filter.js';
import { jsReordersKeys, OrderedMap, plainValue, type WireValue, wireText } from './wire-text.js';
import { zqlError } from './zql-error.js';

/** What a query does; `none` until `select()`, `insert()`, `update()` or `delete()` is called. */
export type ZqlKind = 'none' | 'select' | 'insert' | 'update' | 'delete';

/** The field names of a row type. */
export type ZqlFieldName<Row> = Extract<keyof Row, string>;

/** A sort key: `'field'` ascending, `'-field'` descending. */
export type ZqlSortKey<Row> = ZqlFieldName<Row> | `-${ZqlFieldName<Row>}`;

/** A select projection `{ field: 1 }` (0 is sent as given, as the official client does). */
export type ZqlProjection<Row> = { readonly [K in ZqlFieldName<Row>]?: 0 | 1 };

/** Values to insert or set, or equality filters: scalars only. */
export type ZqlValues<Row> = { readonly [K in ZqlFieldName<Row>]?: Extract<Row[K], ZqlScalar> };

/** The plain query object of {@link ZqlQuery.toJSON}; keys are the wire's short names. */
export interface ZqlQueryObject {
  sh: string;
  db?: string;
  qt: 1 | 2 | 3 | 4;
  fl?: Record<string, ZqlScalar>;
  rf?: Record<string, ZqlQueryObject | ZqlQueryObject[]>;
  fi?: Record<string, ZqlScalar>;
  fc?: ZqlCondition[];
  st?: Record<string, 1 | -1>;
  lt?: [number, number];
  cnt?: true;
}

const QUERY_TYPE = { insert: 1, select: 2, update: 3, delete: 4 } as const;
// The Node client's rule for field names; it also keeps names apart from the `-` of a sort key.
const FIELD_NAME = /^[A-Za-z0-9_]+$/;

type Entries<V> = ReadonlyArray<readonly [string, V]>;

interface QueryState {
  readonly schema: string;
  readonly databaseId: string | undefined;
  readonly kind: ZqlKind;
  readonly fields: Entries<ZqlScalar>;
  readonly related: Entries<AnyQuery | readonly AnyQuery[]>;
  readonly filters: Entries<ZqlScalar>;
  readonly conditions: readonly ZqlCondition[];
  readonly sort: Entries<1 | -1>;
  readonly limit: readonly [number, number] | undefined;
  readonly count: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: any row type may be nested as a related query.
type AnyQuery = ZqlQuery<any, ZqlKind>;

function checkFieldName(name: unknown, where: string): string {
  if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
    throw zqlError(`field name ${JSON.stringify(name)} must match ${String(FIELD_NAME)}`, where);
  }
  return name;
}

function checkScalar(value: unknown, where: string): ZqlScalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw zqlError(`expected a string, boolean or finite number, got ${describe(value)}`, where);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

/** `entries` with `key` set to `value`, in place when present (a dict update keeps the position). */
function setEntry<V>(entries: Entries<V>, key: string, value: V): Entries<V> {
  const index = entries.findIndex(([existing]) => existing === key);
  if (index === -1) return [...entries, [key, value]];
  return entries.map((entry, i) => (i === index ? ([key, value] as const) : entry));
}

function plainEntries(spec: unknown, where: string): Array<[string, unknown]> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw zqlError('expected an object of field names to values', where);
  }
  const entries = Object.entries(spec);
  if (entries.length === 0) throw zqlError('expected at least one field', where);
  return entries;
}

/**
 * A ZQL query on one schema, typed by its row type. Build it with {@link ZTeraDBQuery}.
 *
 * @typeParam Row - the row type of the schema, for field names and values.
 * @typeParam Kind - what the query does, so that `sort()` exists only on selects and so on.
 */
export class ZqlQuery<Row extends object = Record<string, ZqlScalar>, Kind extends ZqlKind = ZqlKind> {
  readonly #state: QueryState;

  /** @internal Use {@link ZTeraDBQuery}. */
  constructor(state: QueryState) {
    this.#state = state;
  }

  /** The schema (table) name. */
  get schema(): string {
    return this.#state.schema;
  }

  /** What the query does. */
  get kind(): Kind {
    return this.#state.kind as Kind;
  }

  /** True for a count (a select with `cnt`), which answers with one number instead of rows. */
  get isCount(): boolean {
    return this.#state.count;
  }

  #with<K extends ZqlKind>(change: Partial<QueryState>): ZqlQuery<Row, K> {
    return new ZqlQuery<Row, K>({ ...this.#state, ...change });
  }

  #setKind<K extends Exclude<ZqlKind, 'none'>>(kind: K): ZqlQuery<Row, K> {
    const current = this.#state.kind;
    if (current !== 'none' && current !== kind) {
      throw zqlError(`this query is already a ${current}; it cannot also be a ${kind}`, 'qt');
    }
    return this.#with<K>({ kind });
  }

  #require(part: string, ...kinds: ZqlKind[]): void {
    if (!kinds.includes(this.#state.kind)) {
      throw zqlError(`is for ${kinds.join('/')} queries, this one is ${this.#state.kind}`, part);
    }
  }

  /** Makes this a SELECT (`qt` 2). */
  select(): ZqlQuery<Row, 'select'> {
    return this.#setKind('select');
  }

  /** Makes this an INSERT (`qt` 1); give the values with `fields({...})`. */
  insert(): ZqlQuery<Row, 'insert'> {
    return this.#setKind('insert');
  }

  /** Makes this an UPDATE (`qt` 3); give the new values with `fields({...})` and the rows with filters. */
  update(): ZqlQuery<Row, 'update'> {
    return this.#setKind('update');
  }

  /** Makes this a DELETE (`qt` 4); choose the rows with filters. */
  delete(): ZqlQuery<Row, 'delete'> {
    return this.#setKind('delete');
  }

  /** Count mode (`cnt`): the server returns the number of matching rows. Implies `select()`. */
  count(): ZqlQuery<Row, 'select'> {
    const select = this.#setKind('select');
    return select.#with<'select'>({ count: true });
  }

  /**
   * SELECT: the fields to return, as names or as a projection `{ field: 1 }`.
   * INSERT/UPDATE: the values `{ field: value }`. Repeated calls add to (or overwrite) the map.
   */
  fields(
    this: ZqlQuery<Row, 'select'>,
    ...names: [ZqlFieldName<Row>, ...ZqlFieldName<Row>[]]
  ): ZqlQuery<Row, 'select'>;
  fields(this: ZqlQuery<Row, 'select'>, projection: ZqlProjection<Row>): ZqlQuery<Row, 'select'>;
  fields<K extends 'insert' | 'update'>(this: ZqlQuery<Row, K>, values: ZqlValues<Row>): ZqlQuery<Row, K>;
  fields(...args: unknown[]): ZqlQuery<Row, ZqlKind> {
    this.#require('fields', 'select', 'insert', 'update');
    const select = this.#state.kind === 'select';
    let entries: Array<[string, unknown]>;
    if (select && args.length > 0 && args.every((arg) => typeof arg === 'string')) {
      entries = args.map((name) => [name as string, 1]);
    } else if (args.length === 1) {
      entries = plainEntries(args[0], 'fields');
    } else {
      throw zqlError(
        select ? 'expected field names or one projection object' : 'expected one object of values',
        'fields',
      );
    }
    let fields = this.#state.fields;
    for (const [name, value] of entries) {
      const where = `fields.${checkFieldName(name, 'fields')}`;
      if (select && value !== 0 && value !== 1)
        throw zqlError(`a projection is 1 or 0, got ${describe(value)}`, where);
      fields = setEntry(fields, name, checkScalar(value, where));
    }
    return this.#with({ fields });
  }

  /** Equality filters `{ field: value }` (`fi`), ANDed with each other and with the conditions. */
  filter(equalities: ZqlValues<Row>): ZqlQuery<Row, Kind> {
    this.#require('filter', 'select', 'update', 'delete');
    let filters = this.#state.filters;
    for (const [name, value] of plainEntries(equalities, 'filter')) {
      const where = `filter.${checkFieldName(name, 'filter')}`;
      filters = setEntry(filters, name, checkScalar(value, where));
    }
    return this.#with({ filters });
  }

  /** Adds a filter condition built with the `ZT*` helpers (`fc`); several are ANDed. */
  filterCondition(condition: ZqlCondition): ZqlQuery<Row, Kind> {
    this.#require('filterCondition', 'select', 'update', 'delete');
    if (!isZqlCondition(condition))
      throw zqlError('expected a condition built with a ZT* helper', 'filterCondition');
    return this.#with({ conditions: [...this.#state.conditions, condition] });
  }

  /**
   * Sort order (`st`), first key first: `sort('email', '-id')`, or `sort({ email: 1, id: -1 })`
   * when no field name is integer-like (a JavaScript object would have moved it to the front).
   */
  sort(
    this: ZqlQuery<Row, 'select'>,
    ...keys: [ZqlSortKey<Row>, ...ZqlSortKey<Row>[]]
  ): ZqlQuery<Row, 'select'>;
  sort(
    this: ZqlQuery<Row, 'select'>,
    order: { readonly [K in ZqlFieldName<Row>]?: 1 | -1 },
  ): ZqlQuery<Row, 'select'>;
  sort(...args: unknown[]): ZqlQuery<Row, ZqlKind> {
    this.#require('sort', 'select');
    let sort = this.#state.sort;
    if (args.length > 0 && args.every((arg) => typeof arg === 'string')) {
      for (const key of args as string[]) {
        const descending = key.startsWith('-');
        const name = checkFieldName(descending ? key.slice(1) : key, 'sort');
        sort = setEntry(sort, name, descending ? -1 : 1);
      }
      return this.#with({ sort });
    }
    if (args.length !== 1) throw zqlError("expected sort keys ('field', '-field') or one object", 'sort');
    const entries = plainEntries(args[0], 'sort');
    const integerLike = entries.find(([name]) => /^(0|[1-9][0-9]*)$/.test(name));
    if (integerLike !== undefined && entries.length > 1) {
      throw zqlError(
        `field "${integerLike[0]}" is integer-like, so a JavaScript object has already moved it first; use sort('a', '-b') to keep the order`,
        `sort.${integerLike[0]}`,
      );
    }
    for (const [name, direction] of entries) {
      const where = `sort.${checkFieldName(name, 'sort')}`;
      if (direction !== 1 && direction !== -1)
        throw zqlError(`a direction is 1 or -1, got ${describe(direction)}`, where);
      sort = setEntry(sort, name, direction);
    }
    return this.#with({ sort });
  }

  /**
   * The row window (`lt`) as the wire's `[start, end]`: non-negative integers with `end > start`.
   * Whether the server reads `end` as an end index or a count is unsettled: they agree for `start = 0`.
   */
  limit(this: ZqlQuery<Row, 'select'>, start: number, end: number): ZqlQuery<Row, 'select'> {
    this.#require('limit', 'select');
    if (!Number.isSafeInteger(start) || start < 0)
      throw zqlError(`start must be a non-negative integer, got ${describe(start)}`, 'limit');
    if (!Number.isSafeInteger(end) || end <= start)
      throw zqlError(`end must be an integer above start (${start}), got ${describe(end)}`, 'limit');
    return this.#with({ limit: [start, end] });
  }

  /**
   * A related-field sub-query (`rf`): rows of another schema joined through the relation field
   * `name`. An array sends several sub-queries for one relation (the Node client's form).
   */
  relatedField<R extends object>(
    this: ZqlQuery<Row, 'select'>,
    name: ZqlFieldName<Row>,
    query: ZqlQuery<R, 'select'> | readonly ZqlQuery<R, 'select'>[],
  ): ZqlQuery<Row, 'select'> {
    this.#require('relatedField', 'select');
    const where = `relatedField.${checkFieldName(name, 'relatedField')}`;
    const queries = Array.isArray(query) ? query : [query];
    if (queries.length === 0) throw zqlError('expected at least one sub-query', where);
    for (const sub of queries) {
      if (!(sub instanceof ZqlQuery) || sub.kind !== 'select')
        throw zqlError('expected a select() query', where);
    }
    const value: AnyQuery | readonly AnyQuery[] = Array.isArray(query) ? [...queries] : (query as AnyQuery);
    return this.#with({ related: setEntry(this.#state.related, name, value) });
  }

  /** The query object as ordered wire entries, checked for completeness. */
  #wireValue(): OrderedMap {
    const state = this.#state;
    if (state.kind === 'none')
      throw zqlError('call select(), insert(), update(), delete() or count() first', 'qt');
    if ((state.kind === 'insert' || state.kind === 'update') && state.fields.length === 0) {
      throw zqlError(`an ${state.kind} needs values: call fields({...})`, 'fields');
    }
    const entries: Array<readonly [string, WireValue]> = [['sh', state.schema]];
    if (state.databaseId !== undefined) entries.push(['db', state.databaseId]);
    entries.push(['qt', QUERY_TYPE[state.kind]]);
    // Python's omission rules: empty maps and lists, and a false `cnt`, are left out.
    if (state.fields.length > 0) entries.push(['fl', new OrderedMap(state.fields)]);
    if (state.related.length > 0) {
      const related = state.related.map(([name, sub]) => {
        const value = Array.isArray(sub)
          ? sub.map((q: AnyQuery) => q.#wireValue())
          : (sub as AnyQuery).#wireValue();
        return [name, value] as const;
      });
      entries.push(['rf', new OrderedMap(related)]);
    }
    if (state.filters.length > 0) entries.push(['fi', new OrderedMap(state.filters)]);
    if (state.conditions.length > 0) entries.push(['fc', state.conditions]);
    if (state.sort.length > 0) entries.push(['st', new OrderedMap(state.sort)]);
    if (state.limit !== undefined) entries.push(['lt', state.limit]);
    if (state.count) entries.push(['cnt', true]);
    return new OrderedMap(entries);
  }

  /** The exact wire text of the query object: compact JSON, every key in the order given. */
  toWire(): string {
    return wireText(this.#wireValue());
  }

  /**
   * The query object as a plain object (equal to the official client's for the same calls).
   * Throws when a sort has integer-like field names out of JavaScript's order, which a plain
   * object cannot keep: send {@link ZqlQuery.toWire} instead.
   */
  toJSON(): ZqlQueryObject {
    const wire = this.#wireValue();
    this.#refuseLostSortOrder();
    return plainValue(wire) as ZqlQueryObject;
  }

  #refuseLostSortOrder(): void {
    const keys = this.#state.sort.map(([name]) => name);
    if (jsReordersKeys(keys)) {
      throw zqlError('integer-like field names would be reordered in a plain object; use toWire()', 'sort');
    }
    for (const [, sub] of this.#state.related) {
      for (const query of Array.isArray(sub) ? sub : [sub]) (query as AnyQuery).#refuseLostSortOrder();
    }
  }
}

/**
 * Starts a ZQL query on `schema`, optionally on another database than the client's (`db`).
 *
 * @example
 * ```ts
 * interface User { id: string; email: string; status: boolean }
 * const query = ZTeraDBQuery<User>('user').select().fields('email').filter({ status: true }).sort('-id').limit(0, 10);
 * query.toWire(); // {"sh":"user","qt":2,"fl":{"email":1},"fi":{"status":true},"st":{"id":-1},"lt":[0,10]}
 * ```
 */
export function ZTeraDBQuery<Row extends object = Record<string, ZqlScalar>>(
  schema: string,
  databaseId?: string,
): ZqlQuery<Row, 'none'> {
  if (typeof schema !== 'string' || schema === '')
    throw zqlError('the schema name must be a non-empty string', 'schema');
  if (databaseId !== undefined && (typeof databaseId !== 'string' || databaseId === '')) {
    throw zqlError('the database id must be a non-empty string when given', 'databaseId');
  }
  return new ZqlQuery<Row, 'none'>({
    schema,
    databaseId,
    kind: 'none',
    fields: [],
    related: [],
    filters: [],
    conditions: [],
    sort: [],
    limit: undefined,
    count: false,
  });
}
