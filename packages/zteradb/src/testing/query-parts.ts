import { isJsonObject, type JsonObject, type JsonValue } from '../protocol/index.js';
import { TestServerFailure } from './error-codes.js';

/**
 * Reads the optional parts of a ZQL object. PHP sends every key, with `[]` for an empty map,
 * `""` and `false` for unset values (docs/protocols/zteradb.md, ZQL query object), so those all
 * read as "absent".
 */
export function optionalMap(query: JsonObject, key: string): JsonObject {
  const value = query[key];
  if (value === undefined || value === null || value === false || value === '') return {};
  if (Array.isArray(value) && value.length === 0) return {};
  if (!isJsonObject(value)) throw new TestServerFailure('PARSE_QUERY_ERROR', `${key} must be an object`);
  return value;
}

/** The `fc` list; absent or empty-ish reads as no conditions. */
export function conditionList(query: JsonObject): JsonValue[] {
  const value = query.fc;
  if (value === undefined || value === null || value === false || value === '') return [];
  if (isJsonObject(value) && Object.keys(value).length === 0) return [];
  if (!Array.isArray(value)) throw new TestServerFailure('PARSE_QUERY_ERROR', 'fc must be a list');
  return value;
}

/** The `lt` pair `[start, end]`, or `undefined` when absent. */
export function limitPair(query: JsonObject): readonly [number, number] | undefined {
  const value = query.lt;
  if (value === undefined || value === null || value === false || value === '') return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((item) => typeof item === 'number' && Number.isSafeInteger(item) && item >= 0)
  ) {
    throw new TestServerFailure('PARSE_QUERY_ERROR', 'lt must be [start, end] of non-negative integers');
  }
  return [value[0] as number, value[1] as number];
}

/** Every value of `fl` (insert/update) and `fi` must be a JSON scalar. */
export function scalarValues(map: JsonObject, key: string): JsonObject {
  for (const [field, value] of Object.entries(map)) {
    if (value !== null && typeof value === 'object') {
      throw new TestServerFailure('PARSE_QUERY_ERROR', `${key}.${field} must be a scalar`);
    }
  }
  return map;
}
