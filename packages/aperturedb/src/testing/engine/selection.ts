import { abort } from './abort.js';
import { compileConstraints } from './constraints.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import { optionalString } from './params.js';
import type { RefTable } from './refs.js';
import type { GraphStore, StoredConnection, StoredObject } from './store.js';

/** Which classes a command searches when it names none (e.g. FindEntity: user classes only). */
export type ClassFilter = (cls: string) => boolean;

export const userClasses: ClassFilter = (cls) => !cls.startsWith('_');
export const exactClass =
  (name: string): ClassFilter =>
  (cls) =>
    cls === name;

export interface ObjectSelection {
  readonly objects: StoredObject[];
  /** With one `is_connected_to.ref`: for each object, the `_uniqueid`s of the ref'd objects it touches. */
  readonly sources?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Finds objects for Find*, Update* and Delete*: `ref` (the objects behind an earlier `_ref`),
 * `with_class`, `constraints` and `is_connected_to` (docs/protocols/aperturedb.md §5.2, §5.3).
 */
export function selectObjects(
  store: GraphStore,
  refs: RefTable,
  params: JsonObject,
  defaultClasses: ClassFilter,
): ObjectSelection {
  const withClass = optionalString(params, 'with_class');
  const classFilter = withClass === undefined ? defaultClasses : exactClass(withClass);
  const predicate = compileConstraints(params['constraints']);
  let candidates: StoredObject[];
  if (params['ref'] !== undefined) {
    candidates = refs
      .resolveObjects(params['ref'])
      .map((id) => store.getObject(id))
      .filter((o): o is StoredObject => o !== undefined);
  } else {
    candidates = store.allObjects();
  }
  let objects = candidates.filter(
    (o) => classFilter(o.cls) && predicate((key) => (key === '_uniqueid' ? o.id : o.properties[key])),
  );
  const connectedTo = params['is_connected_to'];
  if (connectedTo === undefined) return { objects };
  const clauses = connectionClauses(store, refs, connectedTo);
  objects = objects.filter((o) => clauses.every((clause) => clause.sourcesOf(o.id).length > 0));
  const first = clauses[0];
  if (clauses.length !== 1 || first === undefined) return { objects };
  return { objects, sources: new Map(objects.map((o) => [o.id, first.sourcesOf(o.id)])) };
}

interface ConnectionClause {
  /** The ref'd objects connected to `id` through a matching edge (empty: no match). */
  sourcesOf(id: string): string[];
}

function connectionClauses(store: GraphStore, refs: RefTable, spec: JsonValue): ConnectionClause[] {
  if (!isJsonObject(spec)) abort('is_connected_to must be an object');
  const group = spec['all'] ?? spec['any'];
  if (group === undefined) return [compileClause(store, refs, spec)];
  if (!Array.isArray(group)) abort('is_connected_to any/all must be a list');
  const members = group.map((member) => compileClause(store, refs, member));
  if (spec['all'] !== undefined) return members;
  return [{ sourcesOf: (id) => [...new Set(members.flatMap((m) => m.sourcesOf(id)))] }];
}

/** `direction` is read from the ref'd object's side: "out" means the edge leaves the ref'd object. */
function compileClause(store: GraphStore, refs: RefTable, spec: JsonValue): ConnectionClause {
  if (!isJsonObject(spec)) abort('is_connected_to entries must be objects');
  const refIds = new Set(refs.resolveObjects(spec['ref']));
  const connectionClass = optionalString(spec, 'connection_class');
  const direction = optionalString(spec, 'direction') ?? 'any';
  if (direction !== 'in' && direction !== 'out' && direction !== 'any')
    abort('direction must be in, out or any');
  const predicate = compileConstraints(spec['constraints']);
  const bySearched = new Map<string, string[]>();
  const note = (searched: string, source: string) => {
    const list = bySearched.get(searched) ?? [];
    if (!list.includes(source)) list.push(source);
    bySearched.set(searched, list);
  };
  for (const edge of store.allConnections()) {
    if (!edgeMatches(edge, connectionClass, predicate)) continue;
    if (direction !== 'in' && refIds.has(edge.src)) note(edge.dst, edge.src);
    if (direction !== 'out' && refIds.has(edge.dst)) note(edge.src, edge.dst);
  }
  return { sourcesOf: (id) => bySearched.get(id) ?? [] };
}

function edgeMatches(
  edge: StoredConnection,
  connectionClass: string | undefined,
  predicate: ReturnType<typeof compileConstraints>,
): boolean {
  if (connectionClass !== undefined && edge.cls !== connectionClass) return false;
  return predicate((key) => (key === '_uniqueid' ? edge.id : edge.properties[key]));
}

/** Finds connections for FindConnection/UpdateConnection/DeleteConnection. */
export function selectConnections(store: GraphStore, refs: RefTable, params: JsonObject): StoredConnection[] {
  const withClass = optionalString(params, 'with_class');
  const predicate = compileConstraints(params['constraints']);
  const srcIds = params['src'] === undefined ? undefined : new Set(refs.resolveObjects(params['src']));
  const dstIds = params['dst'] === undefined ? undefined : new Set(refs.resolveObjects(params['dst']));
  const candidates =
    params['ref'] === undefined
      ? store.allConnections()
      : refs
          .resolveConnections(params['ref'])
          .map((id) => store.getConnection(id))
          .filter((c): c is StoredConnection => c !== undefined);
  return candidates.filter(
    (edge) =>
      (srcIds === undefined || srcIds.has(edge.src)) &&
      (dstIds === undefined || dstIds.has(edge.dst)) &&
      edgeMatches(edge, withClass, predicate),
  );
}
