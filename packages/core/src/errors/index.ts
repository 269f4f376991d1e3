export { asConnError } from './as-conn-error.js';
export {
  ConnError,
  type ConnErrorCode,
  type ConnErrorOptions,
  defineErrorClass,
  type ErrorDetails,
  isConnError,
} from './conn-error.js';
export {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  ClientClosedError,
  ConfigError,
  type ConfigErrorOptions,
  ConnectionError,
  PoolClosedError,
  PoolDoubleReleaseError,
  PoolError,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  ServerError,
  type ServerErrorOptions,
  TimeoutError,
} from './kinds.js';
