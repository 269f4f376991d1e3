import { linkNewObject, readConnect } from '../connect-spec.js';
import type { EngineContext } from '../extensions.js';
import type { JsonObject } from '../json.js';
import { readProperties } from '../params.js';

export interface AddObjectOptions {
  readonly cls: string;
  /** Whether the command consumes the next request blob (AddBlob, AddImage, …). */
  readonly takesBlob: boolean;
}

/**
 * The shared body of Add*: conditional add (`if_not_found`), `connect` and `_ref` binding
 * (docs/protocols/aperturedb.md §5.2).
 */
export function addObject(params: JsonObject, context: EngineContext, options: AddObjectOptions): JsonObject {
  // The blob is consumed even when `if_not_found` matches, so later commands still get theirs.
  const blob = options.takesBlob ? context.requestBlobs.take(context.commandName) : undefined;
  const properties = readProperties(params);
  const connect = readConnect(params, context);

  const condition = params['if_not_found'];
  if (condition !== undefined) {
    const predicate = context.compileConstraints(condition);
    const existing = context.store
      .allObjects()
      .filter(
        (o) => o.cls === options.cls && predicate((key) => (key === '_uniqueid' ? o.id : o.properties[key])),
      );
    if (existing.length > 1) context.fail(`if_not_found matched ${existing.length} objects`);
    const [found] = existing;
    if (found !== undefined) {
      context.refs.bind(params['_ref'], { kind: 'objects', ids: [found.id] });
      return { status: 2, info: 'Object Exists!' };
    }
  }

  const added = context.store.addObject(options.cls, properties, blob);
  if (connect !== undefined) linkNewObject(context, added, connect);
  context.refs.bind(params['_ref'], { kind: 'objects', ids: [added.id] });
  return { status: 0 };
}
