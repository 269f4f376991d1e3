/**
 * The subset of the `results` block the descriptor commands honour: `list`, `all_properties`
 * (which overrides `list`), `count` and `limit` (docs/protocols/aperturedb.md, section 5.2).
 * Sorting, aggregates and grouping belong to the query engine. A listed key the object lacks is
 * left out of its entity.
 */
import { Invalid, optionalObject } from './command-params.js';

export interface ResultsSpec {
  list: readonly string[];
  allProperties: boolean;
  count: boolean;
  limit: number | undefined;
}

export function readResults(command: Readonly<Record<string, unknown>>): ResultsSpec | Invalid {
  const results = optionalObject(command, 'results');
  if (results instanceof Invalid) return results;
  const list = results?.['list'] ?? [];
  if (!Array.isArray(list) || !list.every((key) => typeof key === 'string')) {
    return new Invalid('results.list must be a list of strings');
  }
  // Newer servers also take `limit` at the top level of a Find command; accept both.
  const limit = results?.['limit'] ?? command['limit'];
  if (limit !== undefined && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 0)) {
    return new Invalid('limit must be a non-negative integer');
  }
  return {
    list,
    allProperties: results?.['all_properties'] === true,
    count: results?.['count'] === true,
    limit,
  };
}

/** The user-visible properties an entity carries under this spec. */
export function pickProperties(
  properties: Readonly<Record<string, unknown>>,
  spec: ResultsSpec,
): Record<string, unknown> {
  if (spec.allProperties) return { ...properties };
  const picked: Record<string, unknown> = {};
  for (const key of spec.list) if (key in properties) picked[key] = properties[key];
  return picked;
}

/** Whether the spec asks for any property, so entities must be returned. */
export function wantsProperties(spec: ResultsSpec): boolean {
  return spec.allProperties || spec.list.length > 0;
}
