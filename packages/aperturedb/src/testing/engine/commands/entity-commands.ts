import type { CommandHandler } from '../extensions.js';
import { requiredString } from '../params.js';
import { userClasses } from '../selection.js';
import { addObject } from './add-object.js';
import { deleteObjects, findObjects, updateObjects } from './object-commands.js';

/** AddEntity, FindEntity, UpdateEntity, DeleteEntity (docs/protocols/aperturedb.md §5.3). */
export const entityCommands: Record<string, CommandHandler> = {
  AddEntity: (params, context) =>
    addObject(params, context, { cls: requiredString(params, 'class'), takesBlob: false }),
  FindEntity: (params, context) => findObjects(params, context, userClasses),
  UpdateEntity: (params, context) => updateObjects(params, context, userClasses),
  DeleteEntity: (params, context) => deleteObjects(params, context, userClasses),
};
