/**
 * Authentication for the in-memory ApertureDB test server: users, API tokens and global sessions.
 */
export { type Clock, systemClock } from './clock.js';
export {
  type CommandFailure,
  type GeneratedToken,
  INVALID_SESSION,
  NOT_AUTHENTICATED,
  type PlainSuccess,
  type SessionGrant,
} from './responses.js';
export {
  type AuthStats,
  DEFAULT_REFRESH_TTL_SECONDS,
  DEFAULT_SESSION_TTL_SECONDS,
  type SessionCheck,
  SessionStore,
  type SessionStoreOptions,
} from './session-store.js';
export { mintToken, TOKEN_BODY_LENGTH, TOKEN_PREFIX, type TokenKind } from './tokens.js';
export { UserRegistry, type UserSeed } from './user-registry.js';
