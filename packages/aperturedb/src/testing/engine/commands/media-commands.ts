import type { CommandHandler } from '../extensions.js';
import type { JsonObject } from '../json.js';
import { exactClass } from '../selection.js';
import type { StoredObject } from '../store.js';
import { deleteObjects, systemObjectCommands } from './object-commands.js';

/** Image operations and re-encoding are out of scope for the test server (§5.4 SHOULD): refuse them. */
function refuseImageProcessing(handler: CommandHandler): CommandHandler {
  return (params, context) => {
    for (const key of ['operations', 'as_format'] as const) {
      if (params[key] !== undefined)
        context.fail(`${context.commandName}: "${key}" is not supported by the test server`);
    }
    return handler(params, context);
  };
}

const blob = systemObjectCommands({ name: 'Blob', cls: '_Blob', takesBlob: true });
const image = systemObjectCommands({ name: 'Image', cls: '_Image', takesBlob: true });

/**
 * Classes the test server does not model: their Delete* commands are accepted (count 0 when nothing
 * is stored), because `remove_all_objects` sends every one of them (docs/protocols/aperturedb.md §5.4).
 */
const deleteOnly: Record<string, string> = {
  DeleteVideo: '_Video',
  DeleteClip: '_Clip',
  DeleteFrame: '_Frame',
  DeleteBoundingBox: '_BoundingBox',
  DeletePolygon: '_Polygon',
  DeleteDescriptor: '_Descriptor',
};

function scoped(params: JsonObject): JsonObject {
  const { with_class: _ignored, ...rest } = params;
  return rest;
}

export const mediaCommands: Record<string, CommandHandler> = {
  ...blob,
  ...image,
  AddImage: refuseImageProcessing(image['AddImage']!),
  FindImage: refuseImageProcessing(image['FindImage']!),
  ...Object.fromEntries(
    Object.entries(deleteOnly).map(([name, cls]): [string, CommandHandler] => [
      name,
      (params, context) => deleteObjects(scoped(params), context, exactClass(cls)),
    ]),
  ),
  // A descriptor set takes its descriptors with it.
  DeleteDescriptorSet: (params, context) =>
    deleteObjects(scoped(params), context, exactClass('_DescriptorSet'), (set: StoredObject) => {
      for (const edge of context.store.allConnections()) {
        if (edge.src === set.id && edge.cls === '_DescriptorSetToDescriptor')
          context.store.deleteObject(edge.dst);
      }
    }),
};
