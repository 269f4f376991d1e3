/**
 * The descriptor commands as engine extensions (docs/protocols/aperturedb.md §5.3, §5.4): each one
 * delegates the vector work to the `DescriptorStore` and keeps the graph mirrors in step (see
 * descriptor-state.ts), so descriptors share the transaction's refs, blob cursor, response blobs
 * and rollback with every other command.
 *
 * A store failure (`status -1`: unknown set, wrong blob size, bad metric, …) aborts the whole
 * transaction with the top-level error object, as the engine's own commands do.
 */
import { type DescriptorRecord, type DescriptorSetRecord, needsQueryBlob } from '../descriptors/index.js';
import { linkNewObject, readConnect } from '../engine/connect-spec.js';
import type { CommandHandler, EngineContext, EngineExtensions, JsonObject } from '../engine/index.js';
import { optionalBoolean, optionalString, readProperties } from '../engine/params.js';
import { failOnError, forStore, graphMatcher, withUniqueIds } from './descriptor-filters.js';
import type { DescriptorState } from './descriptor-state.js';

const SET_CLASS = '_DescriptorSet';
const DESCRIPTOR_CLASS = '_Descriptor';
const MEMBER_EDGE = '_DescriptorSetToDescriptor';

export function descriptorCommands(state: DescriptorState): EngineExtensions {
  const setId = (set: DescriptorSetRecord) => state.setGraphId(set.name);
  const descriptorId = (descriptor: DescriptorRecord) => state.descriptorGraphId(descriptor.id);

  const addDescriptorSet: CommandHandler = (params, context) => {
    const properties = readProperties(params);
    state.willChange();
    const outcome = state.store.addSet(params);
    failOnError(outcome, context);
    const set = outcome.set as DescriptorSetRecord;
    if (outcome.response['status'] === 0) {
      const mirror = context.store.addObject(SET_CLASS, {
        ...properties,
        _name: set.name,
        _dimensions: set.dimensions,
      });
      state.linkSet(set.name, mirror.id);
    }
    context.refs.bind(params['_ref'], { kind: 'objects', ids: [setId(set) ?? ''] });
    return outcome.response as JsonObject;
  };

  const addDescriptor: CommandHandler = (params, context) => {
    // Taken first, so that later commands get their own blobs even if this one is a no-op.
    const blob = context.requestBlobs.take(context.commandName);
    const properties = readProperties(params);
    const connect = readConnect(params, context);
    const existing = findExisting(params, context, state);
    if (existing !== undefined) {
      context.refs.bind(params['_ref'], { kind: 'objects', ids: [existing] });
      return { status: 2, info: 'Object Exists!' };
    }
    state.willChange();
    const outcome = state.store.addDescriptor(params, blob);
    failOnError(outcome, context);
    const descriptor = outcome.descriptor as DescriptorRecord;
    const mirror = context.store.addObject(
      DESCRIPTOR_CLASS,
      { ...properties, _label: descriptor.label },
      descriptor.blob,
    );
    state.linkDescriptor(descriptor.id, mirror.id);
    context.store.addConnection(MEMBER_EDGE, state.setGraphId(descriptor.set) ?? '', mirror.id, {});
    if (connect !== undefined) linkNewObject(context, mirror, connect);
    context.refs.bind(params['_ref'], { kind: 'objects', ids: [mirror.id] });
    return outcome.response as JsonObject;
  };

  const findDescriptor: CommandHandler = (params, context) => {
    const queryBlob = needsQueryBlob(params) ? context.requestBlobs.take(context.commandName) : undefined;
    const outcome = state.store.findDescriptor(forStore(params), queryBlob, {
      blobOffset: context.responseBlobs.nextIndex,
      matches: graphMatcher(params, context, DESCRIPTOR_CLASS, descriptorId),
    });
    failOnError(outcome, context);
    for (const blob of outcome.blobs) context.responseBlobs.push(blob);
    const ids = outcome.found.map((descriptor) => descriptorId(descriptor) ?? '');
    withUniqueIds(outcome.response, ids, optionalBoolean(params, 'uniqueids'));
    context.refs.bind(params['_ref'], { kind: 'objects', ids });
    return outcome.response as JsonObject;
  };

  const findDescriptorSet: CommandHandler = (params, context) => {
    const outcome = state.store.findSet(forStore(params), {
      matches: graphMatcher(params, context, SET_CLASS, setId),
    });
    failOnError(outcome, context);
    const ids = outcome.found.map((set) => setId(set) ?? '');
    withUniqueIds(outcome.response, ids, optionalBoolean(params, 'uniqueids'));
    context.refs.bind(params['_ref'], { kind: 'objects', ids });
    return outcome.response as JsonObject;
  };

  /** Deletes the sets and, with them, their descriptors (store and graph alike). */
  const deleteDescriptorSet: CommandHandler = (params, context) => {
    const matches = graphMatcher(params, context, SET_CLASS, setId);
    state.willChange();
    const before = new Map(state.setNames().map((name) => [name, state.store.descriptorsIn(name)] as const));
    const outcome = state.store.deleteSet(forStore(params), { matches });
    failOnError(outcome, context);
    for (const [name, members] of before) {
      if (state.store.getSet(name) !== undefined) continue;
      for (const descriptor of members) context.store.deleteObject(descriptorId(descriptor) ?? '');
      context.store.deleteObject(state.setGraphId(name) ?? '');
      state.unlinkSet(name, members);
    }
    context.refs.invalidate(params['ref']);
    return outcome.response as JsonObject;
  };

  /** Deletes single descriptors, chosen by `set`, `with_label`, `constraints`, `ref`, `is_connected_to`. */
  const deleteDescriptor: CommandHandler = (params, context) => {
    const setName = optionalString(params, 'set');
    const withLabel = optionalString(params, 'with_label');
    if (setName !== undefined && state.store.getSet(setName) === undefined) {
      context.fail(`DescriptorSet "${setName}" not found`);
    }
    const matches = graphMatcher(params, context, DESCRIPTOR_CLASS, descriptorId);
    const doomed = state
      .allDescriptors()
      .filter(
        (d) =>
          (setName === undefined || d.set === setName) &&
          (withLabel === undefined || d.label === withLabel) &&
          matches(d),
      );
    state.willChange();
    for (const descriptor of doomed) context.store.deleteObject(descriptorId(descriptor) ?? '');
    state.removeDescriptors(doomed);
    context.refs.invalidate(params['ref']);
    return { status: 0, count: doomed.length };
  };

  return {
    AddDescriptorSet: addDescriptorSet,
    AddDescriptor: addDescriptor,
    FindDescriptor: findDescriptor,
    FindDescriptorSet: findDescriptorSet,
    DeleteDescriptorSet: deleteDescriptorSet,
    DeleteDescriptor: deleteDescriptor,
  };
}

/** `if_not_found` on AddDescriptor: the `_uniqueid` of the one match in the set, if any. */
function findExisting(
  params: JsonObject,
  context: EngineContext,
  state: DescriptorState,
): string | undefined {
  if (params['if_not_found'] === undefined) return undefined;
  const setName = optionalString(params, 'set') ?? '';
  const predicate = context.compileConstraints(params['if_not_found']);
  const matching = state.store
    .descriptorsIn(setName)
    .map((descriptor) => state.descriptorGraphId(descriptor.id) ?? '')
    .filter((id) => {
      const properties = context.store.getObject(id)?.properties ?? {};
      return predicate((key) => (key === '_uniqueid' ? id : properties[key]));
    });
  if (matching.length > 1) context.fail(`if_not_found matched ${matching.length} descriptors`);
  return matching[0];
}
