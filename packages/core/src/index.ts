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
export {
  CallContext,
  CallRunner,
  type CallRunnerOptions,
  type CallSpec,
  type CallTracePayload,
  type CallTracingChannel,
  callChannelName,
  withMayHaveExecuted,
} from './call/index.js';
export {
  type Credentials,
  type PasswordCredentials,
  passwordCredentials,
  type TokenCredentials,
  tokenCredentials,
} from './auth/credentials.js';
export { redactSecrets, Secret } from './auth/secret.js';
export {
  type IssuedSession,
  SessionCache,
  type SessionCacheOptions,
  type WithSessionOptions,
} from './auth/session-cache.js';
export { createEventPublisher, type EventPublisher } from './diagnostics.js';
export {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  asConnError,
  ClientClosedError,
  ConfigError,
  type ConfigErrorOptions,
  ConnError,
  type ConnErrorCode,
  type ConnErrorOptions,
  ConnectionError,
  defineErrorClass,
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
export {
  HostSelector,
  type HostSelectorOptions,
  type HostSpec,
  type PickOptions,
} from './hosts/host-selector.js';
export {
  type DestroyReason,
  type Factory,
  type Lease,
  Pool,
  type PoolCloseOptions,
  type PoolErrorContext,
  type PoolErrorPhase,
  type PoolEventName,
  type PoolOptions,
  type PoolStats,
  type PrefillRetryOptions,
} from './pool/index.js';
export { type RandomSource, seededRandom } from './random.js';
export {
  type Backoff,
  type BackoffOptions,
  exponentialBackoff,
  type RetryOptions,
  retry,
} from './retry.js';
export {
  type CloseOptions,
  type ConnectOptions,
  type ConnectTarget,
  type Correlation,
  connectSocket,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_INITIAL_DELAY_MS,
  DEFAULT_STREAM_HIGH_WATER_MARK,
  type FrameBoundaries,
  type FrameCodec,
  FramedConnection,
  type FramedConnectionOptions,
  FrameReader,
  type HandshakeHook,
  IdAllocator,
  type LengthPrefixedCodecOptions,
  lengthPrefixedCodec,
  type PemInput,
  type RequestStreamOptions,
  readFrame,
  type TlsOptions,
  type TlsUpgradeOptions,
  type UnmatchedInfo,
  upgradeToTls,
} from './transport/index.js';
export {
  type ConnectionUrl,
  type ParseUrlOptions,
  parseConnectionUrl,
  redactUrl,
  type UrlHost,
} from './url.js';
