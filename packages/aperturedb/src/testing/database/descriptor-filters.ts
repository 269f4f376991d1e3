/**
 * How the descriptor commands select: `constraints`, `ref` and `is_connected_to` are evaluated by
 * the engine against the graph mirrors (so `_uniqueid`, `_name`, `_label` and user properties all
 * work), and handed to the `DescriptorStore` as its `matches` callback.
 */
import type { CommandOutcome, Matcher } from '../descriptors/index.js';
import type { EngineContext, JsonObject } from '../engine/index.js';
import { exactClass } from '../engine/index.js';

/**
 * The store consults `matches` only when the command carries `constraints`, so the command it gets
 * always carries an (empty) one and the matcher does the whole selection.
 */
export function forStore(params: JsonObject): JsonObject {
  return { ...params, constraints: {} };
}

/**
 * A matcher over store records: the record's graph mirror must pass the command's `constraints`
 * and, when given, be among the objects behind `ref` / `is_connected_to`.
 */
export function graphMatcher<T>(
  params: JsonObject,
  context: EngineContext,
  cls: '_DescriptorSet' | '_Descriptor',
  graphIdOf: (record: T) => string | undefined,
): Matcher<T> {
  const predicate = context.compileConstraints(params['constraints']);
  const allowed = selectedByGraph(params, context, cls);
  return (record) => {
    const id = graphIdOf(record);
    if (id === undefined || (allowed !== undefined && !allowed.has(id))) return false;
    const properties = context.store.getObject(id)?.properties ?? {};
    return predicate((key) => (key === '_uniqueid' ? id : properties[key]));
  };
}

/** The `_uniqueid`s that `ref` and `is_connected_to` allow, or undefined when neither is given. */
function selectedByGraph(
  params: JsonObject,
  context: EngineContext,
  cls: string,
): ReadonlySet<string> | undefined {
  const graphParams: JsonObject = {};
  if (params['ref'] !== undefined) graphParams['ref'] = params['ref'];
  if (params['is_connected_to'] !== undefined) graphParams['is_connected_to'] = params['is_connected_to'];
  if (Object.keys(graphParams).length === 0) return undefined;
  return new Set(context.selectObjects(graphParams, exactClass(cls)).objects.map((o) => o.id));
}

/** A store failure (`status -1`) aborts the whole transaction, like every engine failure. */
export function failOnError(outcome: CommandOutcome, context: EngineContext): void {
  if (outcome.response['status'] === -1) context.fail(String(outcome.response['info']));
}

/**
 * Adds `_uniqueid` to each entity when `uniqueids` is asked (the store does not know graph ids);
 * entities are created for a reply that had none, as the engine's Find* do.
 */
export function withUniqueIds(
  response: Record<string, unknown>,
  ids: readonly string[],
  wanted: boolean,
): void {
  if (!wanted) return;
  const entities = Array.isArray(response['entities'])
    ? (response['entities'] as Record<string, unknown>[])
    : ids.map(() => ({}));
  response['entities'] = entities.map((entity, index) => ({ ...entity, _uniqueid: ids[index] }));
  response['returned'] = entities.length;
}
