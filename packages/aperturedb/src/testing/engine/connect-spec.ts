import type { EngineContext } from './extensions.js';
import type { JsonObject } from './json.js';
import { optionalObject, optionalString, readProperties } from './params.js';
import type { StoredObject } from './store.js';

/** An Add* command's `connect` (docs/protocols/aperturedb.md, shared parameters). */
export interface ConnectSpec {
  readonly targets: readonly string[];
  readonly cls: string;
  readonly direction: 'in' | 'out';
  readonly properties: ReturnType<typeof readProperties>;
}

/** Reads `connect`, as every Add* takes it; `undefined` without one. */
export function readConnect(params: JsonObject, context: EngineContext): ConnectSpec | undefined {
  const connect = optionalObject(params, 'connect');
  if (connect === undefined) return undefined;
  const direction = optionalString(connect, 'direction') ?? 'out';
  if (direction !== 'in' && direction !== 'out') context.fail('connect.direction must be in or out');
  return {
    targets: context.refs.resolveObjects(connect['ref']),
    cls: optionalString(connect, 'class') ?? 'AT:CONNECTION',
    direction,
    properties: readProperties(connect),
  };
}

/** "out" (the default) is read from the ref'd object's side: the edge goes from it to the new object. */
export function linkNewObject(context: EngineContext, added: StoredObject, connect: ConnectSpec): void {
  for (const target of connect.targets) {
    const [src, dst] = connect.direction === 'out' ? [target, added.id] : [added.id, target];
    context.store.addConnection(connect.cls, src, dst, connect.properties);
  }
}
