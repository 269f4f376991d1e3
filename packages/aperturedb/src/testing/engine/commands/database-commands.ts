import type { CommandHandler, EngineContext } from '../extensions.js';
import type { JsonObject } from '../json.js';
import { optionalString, requiredString } from '../params.js';
import { connectionSchema, entitySchema } from '../schema.js';
import type { IndexKind } from '../store.js';

/** The version string the spec's GetStatus example carries. */
export const reportedVersion = '0.17.23';

function getSchema(params: JsonObject, context: EngineContext): JsonObject {
  const type = optionalString(params, 'type') ?? 'both';
  if (type !== 'entities' && type !== 'connections' && type !== 'both') {
    context.fail('GetSchema type must be entities, connections or both');
  }
  const body: JsonObject = { status: 0 };
  if (type !== 'connections') body['entities'] = entitySchema(context.store);
  if (type !== 'entities') body['connections'] = connectionSchema(context.store);
  return body;
}

function readIndex(params: JsonObject, context: EngineContext): [IndexKind, string, string] {
  const kind = requiredString(params, 'index_type');
  if (kind !== 'entity' && kind !== 'connection') context.fail('index_type must be entity or connection');
  return [kind, requiredString(params, 'class'), requiredString(params, 'property_key')];
}

/** GetStatus, GetSchema, CreateIndex, RemoveIndex, UserLogMessage (docs/protocols/aperturedb.md §5.3). */
export const databaseCommands: Record<string, CommandHandler> = {
  GetStatus: () => ({ status: 0, info: 'OK', system: 'ApertureDB', version: reportedVersion }),
  GetSchema: getSchema,
  CreateIndex: (params, context) =>
    context.store.addIndex(...readIndex(params, context))
      ? { status: 0 }
      : { status: 2, info: 'Index exists' },
  RemoveIndex: (params, context) => {
    const removed = context.store.removeIndex(...readIndex(params, context));
    return removed ? { status: 0 } : { status: 0, info: 'Index did not exist' };
  },
  // Logged by the real server; nothing to keep here.
  UserLogMessage: () => ({ status: 0 }),
};
