import { isJsonObject, RawJson, type WireValue } from './protocol/json.js';
import type { ZTeraDBRequestKind } from './stream/answer-reader.js';
import { requestKindOf } from './stream/request-kind.js';
import type { ZqlQuery, ZqlQueryObject } from './zql/query.js';
import { zqlError } from './zql/zql-error.js';

/** A ZQL query: a builder or its plain query object. */
export type ZTeraDBQueryInput = ZqlQuery<object> | ZqlQueryObject;

/** What a query is about to do, checked before anything is sent. @internal */
export interface QueryPlan {
  /** The answer's shape. */
  readonly kind: ZTeraDBRequestKind;
  /** What tracing shows: the kind and the schema, never a value (values may be secrets). */
  readonly statement: string;
  /** The query as it goes into the envelope. */
  readonly wire: WireValue;
}

const QUERY_TYPES: ReadonlySet<unknown> = new Set([1, 2, 3, 4]);

/**
 * Checks a query and fixes its wire form. A builder goes out as its `toWire()` text, which keeps
 * the order of integer-like sort keys that a plain object would lose.
 * @throws ConfigError `CONN_ZTERADB_QUERY` for a query that is not a ZQL query, has no schema or
 * query type, or whose kind the calling method does not run (`expected`).
 */
export function planQuery(query: ZTeraDBQueryInput, expected: readonly ZTeraDBRequestKind[]): QueryPlan {
  let kind: ZTeraDBRequestKind;
  let schema: string;
  let wire: WireValue;
  if (isBuilder(query)) {
    if (query.kind === 'none')
      throw zqlError('choose select(), insert(), update(), delete() or count() first', 'qt');
    kind = query.isCount ? 'count' : query.kind;
    schema = query.schema;
    wire = new RawJson(query.toWire());
  } else {
    if (!isJsonObject(query))
      throw zqlError('a query must be a ZTeraDBQuery builder or its query object', 'query');
    const object = query as unknown as Record<string, unknown>;
    if (typeof object['sh'] !== 'string' || object['sh'] === '')
      throw zqlError('sh (the schema) must be a non-empty string', 'sh');
    if (!QUERY_TYPES.has(object['qt']))
      throw zqlError('qt must be 1 (insert), 2 (select), 3 (update) or 4 (delete)', 'qt');
    kind = requestKindOf(query);
    schema = object['sh'];
    wire = query as unknown as WireValue;
  }
  if (!expected.includes(kind)) {
    throw zqlError(`this method runs ${expected.join('/')} queries; this one is a ${kind}`, 'qt');
  }
  return { kind, statement: `${kind} ${schema}`, wire };
}

function isBuilder(query: ZTeraDBQueryInput): query is ZqlQuery<object> {
  // An untyped caller may pass null or undefined: the query-object check then refuses it.
  if (typeof query !== 'object' || query === null) return false;
  return typeof (query as { toWire?: unknown }).toWire === 'function';
}
