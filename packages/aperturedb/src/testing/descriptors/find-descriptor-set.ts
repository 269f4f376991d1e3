/**
 * `FindDescriptorSet` (docs/protocols/aperturedb.md, sections 3 and 5.3).
 *
 * Parameters honoured: `with_name`, `constraints` (evaluated by the engine's `matches`), the flags
 * `counts`, `dimensions`, `metrics`, `engines`, and `results` (see `results-spec.ts`).
 * A set's listable properties are its user properties plus `_name`; `_count`, `_dimensions`,
 * `_metrics` and `_engines` come with their flag or when named in `results.list` (clients use both
 * forms). `all_properties` gives the user properties and `_name`.
 *
 * Reply: `{status: 0, returned, count?, entities?}`, sets in creation order; `returned` is the
 * number of entities sent (0 when none were asked for).
 */
import { Invalid, optionalBoolean, optionalString } from './command-params.js';
import type { CommandOutcome, DescriptorRecord, DescriptorSetRecord, Matcher } from './records.js';
import { failed } from './records.js';
import { pickProperties, readResults, wantsProperties } from './results-spec.js';

export interface FindDescriptorSetOptions {
  /** The engine's evaluator of the command's `constraints`; required when they are present. */
  matches?: Matcher<DescriptorSetRecord>;
}

export interface FindDescriptorSetOutcome extends CommandOutcome {
  found: DescriptorSetRecord[];
}

const FLAG_PROPERTIES = [
  ['counts', '_count'],
  ['dimensions', '_dimensions'],
  ['metrics', '_metrics'],
  ['engines', '_engines'],
] as const;

export function findDescriptorSet(
  sets: ReadonlyMap<string, DescriptorSetRecord>,
  members: ReadonlyMap<string, readonly DescriptorRecord[]>,
  command: Readonly<Record<string, unknown>>,
  options: FindDescriptorSetOptions = {},
): FindDescriptorSetOutcome {
  const fail = (info: string): FindDescriptorSetOutcome => ({ ...failed(info), found: [] });
  const withName = optionalString(command, 'with_name');
  if (withName instanceof Invalid) return fail(withName.message);
  const results = readResults(command);
  if (results instanceof Invalid) return fail(results.message);
  const flagged: string[] = [];
  for (const [flag, property] of FLAG_PROPERTIES) {
    const on = optionalBoolean(command, flag);
    if (on instanceof Invalid) return fail(on.message);
    if (on || results.list.includes(property)) flagged.push(property);
  }
  if (command['constraints'] !== undefined && options.matches === undefined) {
    return fail('constraints need the engine to evaluate them');
  }

  let found = [...sets.values()].filter(
    (set) =>
      (withName === undefined || set.name === withName) &&
      (command['constraints'] === undefined || options.matches!(set)),
  );
  if (results.limit !== undefined) found = found.slice(0, results.limit);

  const sendEntities = wantsProperties(results) || flagged.length > 0;
  const response: Record<string, unknown> = { status: 0, returned: sendEntities ? found.length : 0 };
  if (results.count) response['count'] = found.length;
  if (sendEntities) {
    response['entities'] = found.map((set) => {
      const entity = pickProperties({ ...set.properties, _name: set.name }, results);
      const system: Record<string, unknown> = {
        _count: members.get(set.name)?.length ?? 0,
        _dimensions: set.dimensions,
        _metrics: [...set.metrics],
        _engines: [...set.engines],
      };
      for (const property of flagged) entity[property] = system[property];
      return entity;
    });
  }
  return { response, blobs: [], found };
}
