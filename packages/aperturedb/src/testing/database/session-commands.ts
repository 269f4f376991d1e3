/**
 * `GenerateToken` and `UpdateUser` (`add_tokens` / `remove_tokens`) as engine extensions that
 * delegate to the session store (docs/protocols/aperturedb.md §2.1). They run only in queries that
 * passed the session check. Their effects are not part of the engine's rollback: a token generated
 * or attached stays so even if a later command of the same query fails.
 */
import type { SessionStore } from '../auth/index.js';
import type { EngineExtensions, JsonObject } from '../engine/index.js';

export function sessionCommands(sessions: SessionStore): EngineExtensions {
  return {
    GenerateToken: () => ({ ...sessions.generateToken() }),
    UpdateUser: (params) => ({ ...sessions.updateUser(params) }) as JsonObject,
  };
}
