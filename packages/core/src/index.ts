/**
 * `@conn/core`: the shared foundation of the `@conn` database drivers.
 * @packageDocumentation
 */
export {
  abortReason,
  type CallOptions,
  createDeadline,
  type Deadline,
  type DeadlineLabel,
  raceWithSignal,
  sleep,
} from './abort.js';
export { createEventPublisher, type EventPublisher } from './diagnostics.js';
export {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  ConfigError,
  type ConfigErrorOptions,
  ConnError,
  type ConnErrorCode,
  type ConnErrorOptions,
  ConnectionError,
  type ErrorDetails,
  isConnError,
  PoolClosedError,
  PoolDoubleReleaseError,
  PoolError,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  ServerError,
  type ServerErrorOptions,
  TimeoutError,
} from './errors/index.js';
export { type RandomSource, seededRandom } from './random.js';
