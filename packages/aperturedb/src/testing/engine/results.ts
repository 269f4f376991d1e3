import { abort } from './abort.js';
import type { ResponseBlobs } from './blobs.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject, setOwn } from './json.js';
import { optionalBoolean, optionalCount, optionalObject } from './params.js';
import type { Properties, PropertyValue } from './values.js';
import { compareForSort, propertyToJson } from './values.js';

/** One matched object or connection, as the result shaper sees it. */
export interface ResultItem {
  readonly id: string;
  readonly properties: Properties;
  readonly blob?: Uint8Array;
  /** System properties an extension adds, e.g. `_distance` or `_label` on descriptors. */
  readonly system?: Readonly<Record<string, PropertyValue>>;
}

export interface ShapeOptions {
  /** `entities` for objects, `connections` for FindConnection. */
  readonly listKey: 'entities' | 'connections';
  /** For `group_by_source`: the `_uniqueid`s of the ref'd objects each item is connected to. */
  readonly sources?: ReadonlyMap<string, readonly string[]>;
  /** Whether blobs are returned when the command does not say (false on current servers). */
  readonly blobsByDefault?: boolean;
}

export interface ShapedResults {
  /** The command body: status, returned, entities/connections, aggregates. */
  readonly body: JsonObject;
  /** The items kept after sort, offset and limit, in response order (what `_ref` binds to). */
  readonly kept: readonly ResultItem[];
}

export function readItem(item: ResultItem, key: string): PropertyValue | undefined {
  if (key === '_uniqueid') return item.id;
  return item.system?.[key] ?? item.properties[key];
}

/**
 * Applies `results` (list, all_properties, count, aggregates, sort, limit), top-level sort/limit/offset,
 * `uniqueids`, `unique` and `blobs` to matched items (docs/protocols/aperturedb.md §3, §5.2).
 */
export function shapeResults(
  matched: readonly ResultItem[],
  params: JsonObject,
  responseBlobs: ResponseBlobs,
  options: ShapeOptions,
): ShapedResults {
  const results = optionalObject(params, 'results') ?? {};
  const kept = paginate(sortItems(matched, params['sort'] ?? results['sort']), params, results);
  const body: JsonObject = { status: 0, returned: 0 };

  if (optionalBoolean(params, 'unique') && matched.length !== 1) {
    body['status'] = 3;
    body['info'] = `Expected 1 unique result, found ${matched.length}`;
  }
  if (results['count'] === true) body['count'] = kept.length;
  for (const aggregate of ['sum', 'average', 'min', 'max'] as const) {
    const keys = results[aggregate];
    if (keys !== undefined) body[aggregate] = aggregateOver(kept, aggregate, keys);
  }

  const listed = listedKeys(results);
  const withIds = optionalBoolean(params, 'uniqueids');
  const withBlobs =
    params['blobs'] === undefined ? options.blobsByDefault === true : optionalBoolean(params, 'blobs');
  if (listed === undefined && !withIds && !withBlobs && !hasSystemFields(kept)) return { body, kept };

  if (withBlobs) body['blobs_start'] = responseBlobs.nextIndex;
  const project = (item: ResultItem): JsonObject => {
    const entry: JsonObject = {};
    const keys = listed === 'all' ? Object.keys(item.properties) : (listed ?? []);
    for (const key of keys) {
      const value = readItem(item, key);
      if (value !== undefined) setOwn(entry, key, propertyToJson(value));
    }
    for (const [key, value] of Object.entries(item.system ?? {})) setOwn(entry, key, propertyToJson(value));
    if (withIds) entry['_uniqueid'] = item.id;
    if (withBlobs && item.blob !== undefined) entry['_blob_index'] = responseBlobs.push(item.blob);
    return entry;
  };

  body['returned'] = kept.length;
  body[options.listKey] =
    optionalBoolean(results, 'group_by_source') && options.sources !== undefined
      ? groupBySource(kept, options.sources, project)
      : kept.map(project);
  return { body, kept };
}

function hasSystemFields(items: readonly ResultItem[]): boolean {
  return items.some((item) => item.system !== undefined && Object.keys(item.system).length > 0);
}

function listedKeys(results: JsonObject): 'all' | string[] | undefined {
  if (results['all_properties'] === true) return 'all';
  const list = results['list'];
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.every((key) => typeof key === 'string'))
    abort('results.list must be strings');
  return list as string[];
}

function groupBySource(
  items: readonly ResultItem[],
  sources: ReadonlyMap<string, readonly string[]>,
  project: (item: ResultItem) => JsonObject,
): JsonObject {
  const groups = new Map<string, JsonValue[]>();
  for (const item of items) {
    const entry = project(item);
    for (const source of sources.get(item.id) ?? [])
      groups.set(source, [...(groups.get(source) ?? []), entry]);
  }
  return Object.fromEntries(groups);
}

type SortKey = { readonly key: string; readonly descending: boolean };

function sortKeys(spec: JsonValue): SortKey[] {
  if (typeof spec === 'string') return [{ key: spec, descending: false }];
  if (Array.isArray(spec)) return spec.flatMap(sortKeys);
  if (isJsonObject(spec) && typeof spec['key'] === 'string') {
    const order = spec['order'] ?? 'ascending';
    if (order !== 'ascending' && order !== 'descending') abort('sort order must be ascending or descending');
    return [{ key: spec['key'], descending: order === 'descending' }];
  }
  return abort('sort must be a key, {key, order} or a list of them');
}

function sortItems(items: readonly ResultItem[], spec: JsonValue | undefined): readonly ResultItem[] {
  if (spec === undefined) return items;
  const keys = sortKeys(spec);
  return [...items].sort((a, b) => {
    for (const { key, descending } of keys) {
      const left = readItem(a, key);
      const right = readItem(b, key);
      // Missing values stay last in both orders.
      const order =
        descending && left !== undefined && right !== undefined
          ? compareForSort(right, left)
          : compareForSort(left, right);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function paginate(
  items: readonly ResultItem[],
  params: JsonObject,
  results: JsonObject,
): readonly ResultItem[] {
  const offset = optionalCount(params['offset'], 'offset') ?? 0;
  const limit = optionalCount(params['limit'] ?? results['limit'], 'limit');
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}

/** A single key gives a number; a list of keys gives `{key: number}`. Non-numeric values are skipped. */
function aggregateOver(
  items: readonly ResultItem[],
  kind: 'sum' | 'average' | 'min' | 'max',
  keys: JsonValue,
): JsonValue {
  const one = (key: string): JsonValue => {
    const numbers = items
      .map((item) => readItem(item, key))
      .filter((v): v is number => typeof v === 'number');
    if (kind === 'sum') return numbers.reduce((total, n) => total + n, 0);
    if (numbers.length === 0) return null;
    if (kind === 'average') return numbers.reduce((total, n) => total + n, 0) / numbers.length;
    return numbers.reduce((best, n) => (kind === 'min' ? Math.min(best, n) : Math.max(best, n)));
  };
  if (typeof keys === 'string') return one(keys);
  if (Array.isArray(keys) && keys.every((key) => typeof key === 'string')) {
    return Object.fromEntries((keys as string[]).map((key) => [key, one(key)]));
  }
  return abort(`results.${kind} must be a key or a list of keys`);
}
