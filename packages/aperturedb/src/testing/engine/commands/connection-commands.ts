import type { CommandHandler, EngineContext } from '../extensions.js';
import type { JsonObject } from '../json.js';
import { readProperties, readStringList, requiredString } from '../params.js';
import { selectConnections } from '../selection.js';
import type { Properties } from '../values.js';

function addConnection(params: JsonObject, context: EngineContext): JsonObject {
  const cls = requiredString(params, 'class');
  const sources = context.refs.resolveObjects(params['src']);
  const targets = context.refs.resolveObjects(params['dst']);
  const properties = readProperties(params);
  const condition = params['if_not_found'];
  if (condition !== undefined) {
    const predicate = context.compileConstraints(condition);
    const existing = context.store
      .allConnections()
      .filter(
        (edge) =>
          edge.cls === cls &&
          sources.includes(edge.src) &&
          targets.includes(edge.dst) &&
          predicate((key) => (key === '_uniqueid' ? edge.id : edge.properties[key])),
      );
    if (existing.length > 1) context.fail(`if_not_found matched ${existing.length} connections`);
    const [found] = existing;
    if (found !== undefined) {
      context.refs.bind(params['_ref'], { kind: 'connections', ids: [found.id] });
      return { status: 2, info: 'Object Exists!' };
    }
  }
  const ids: string[] = [];
  for (const src of sources) {
    for (const dst of targets) ids.push(context.store.addConnection(cls, src, dst, properties).id);
  }
  context.refs.bind(params['_ref'], { kind: 'connections', ids });
  return { status: 0 };
}

function findConnection(params: JsonObject, context: EngineContext): JsonObject {
  const edges = selectConnections(context.store, context.refs, params);
  const shaped = context.shapeResults(edges, params, { listKey: 'connections' });
  context.refs.bind(params['_ref'], { kind: 'connections', ids: shaped.kept.map((item) => item.id) });
  return shaped.body;
}

function updateConnection(params: JsonObject, context: EngineContext): JsonObject {
  const properties = readProperties(params);
  const removed = readStringList(params, 'remove_props');
  const edges = selectConnections(context.store, context.refs, params);
  for (const edge of edges) {
    const next: Record<string, Properties[string]> = { ...edge.properties, ...properties };
    for (const key of removed) delete next[key];
    context.store.replaceConnection({ ...edge, properties: next });
  }
  return { status: 0, count: edges.length };
}

function deleteConnection(params: JsonObject, context: EngineContext): JsonObject {
  const edges = selectConnections(context.store, context.refs, params);
  for (const edge of edges) context.store.deleteConnection(edge.id);
  context.refs.invalidate(params['ref']);
  return { status: 0, count: edges.length };
}

/** AddConnection, FindConnection, UpdateConnection, DeleteConnection (docs/protocols/aperturedb.md §5.3). */
export const connectionCommands: Record<string, CommandHandler> = {
  AddConnection: addConnection,
  FindConnection: findConnection,
  UpdateConnection: updateConnection,
  DeleteConnection: deleteConnection,
};
