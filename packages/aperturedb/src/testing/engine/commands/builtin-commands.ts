import type { EngineExtensions } from '../extensions.js';
import { connectionCommands } from './connection-commands.js';
import { databaseCommands } from './database-commands.js';
import { entityCommands } from './entity-commands.js';
import { mediaCommands } from './media-commands.js';

/** Every command the engine answers without extensions. */
export const builtinCommands: EngineExtensions = {
  ...entityCommands,
  ...connectionCommands,
  ...mediaCommands,
  ...databaseCommands,
};
