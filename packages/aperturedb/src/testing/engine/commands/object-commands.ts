import type { CommandHandler, EngineContext } from '../extensions.js';
import type { JsonObject } from '../json.js';
import { readProperties, readStringList } from '../params.js';
import type { ClassFilter } from '../selection.js';
import type { StoredObject } from '../store.js';
import type { Properties } from '../values.js';
import { addObject } from './add-object.js';

/** Find*: select, shape, bind `_ref` to the returned objects. */
export function findObjects(
  params: JsonObject,
  context: EngineContext,
  defaultClasses: ClassFilter,
  blobsByDefault = false,
): JsonObject {
  const selection = context.selectObjects(params, defaultClasses);
  const shaped = context.shapeResults(selection.objects, params, {
    listKey: 'entities',
    blobsByDefault,
    ...(selection.sources === undefined ? {} : { sources: selection.sources }),
  });
  context.refs.bind(params['_ref'], { kind: 'objects', ids: shaped.kept.map((item) => item.id) });
  return shaped.body;
}

/** Update*: merge `properties`, drop `remove_props`; returns `count`. */
export function updateObjects(
  params: JsonObject,
  context: EngineContext,
  defaultClasses: ClassFilter,
): JsonObject {
  const properties = readProperties(params);
  const removed = readStringList(params, 'remove_props');
  const { objects } = context.selectObjects(params, defaultClasses);
  for (const object of objects) {
    const next: Record<string, Properties[string]> = { ...object.properties, ...properties };
    for (const key of removed) delete next[key];
    context.store.replaceObject({ ...object, properties: next });
  }
  return { status: 0, count: objects.length };
}

/** Delete*: removes the objects (and their connections); returns `count`; a used `ref` dies. */
export function deleteObjects(
  params: JsonObject,
  context: EngineContext,
  defaultClasses: ClassFilter,
  cascade?: (object: StoredObject) => void,
): JsonObject {
  const { objects } = context.selectObjects(params, defaultClasses);
  for (const object of objects) {
    cascade?.(object);
    context.store.deleteObject(object.id);
  }
  context.refs.invalidate(params['ref']);
  return { status: 0, count: objects.length };
}

export interface ObjectKind {
  readonly name: string;
  readonly cls: string;
  readonly takesBlob: boolean;
}

/** Add/Find/Update/Delete handlers for a system object class stored opaquely (`_Blob`, …). */
export function systemObjectCommands(kind: ObjectKind): Record<string, CommandHandler> {
  const only: ClassFilter = (cls) => cls === kind.cls;
  const scoped = (params: JsonObject): JsonObject => {
    const { with_class: _ignored, ...rest } = params;
    return rest;
  };
  return {
    [`Add${kind.name}`]: (params, context) =>
      addObject(params, context, { cls: kind.cls, takesBlob: kind.takesBlob }),
    [`Find${kind.name}`]: (params, context) => findObjects(scoped(params), context, only),
    [`Update${kind.name}`]: (params, context) => updateObjects(scoped(params), context, only),
    [`Delete${kind.name}`]: (params, context) => deleteObjects(scoped(params), context, only),
  };
}
