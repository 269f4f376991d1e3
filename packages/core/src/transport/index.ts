export {
  type ConnectOptions,
  type ConnectTarget,
  connectSocket,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_INITIAL_DELAY_MS,
  type HandshakeHook,
} from './connect.js';
export type { FrameCodec } from './frame-codec.js';
export { type FrameBoundaries, FrameReader, NO_FRAME } from './frame-reader.js';
export {
  type CloseOptions,
  type Correlation,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_STREAM_HIGH_WATER_MARK,
  FramedConnection,
  type FramedConnectionOptions,
  type RequestStreamOptions,
  type UnmatchedInfo,
} from './framed-connection.js';
export { IdAllocator } from './id-allocator.js';
export { type LengthPrefixedCodecOptions, lengthPrefixedCodec } from './length-prefixed-codec.js';
export { readFrame } from './read-frame.js';
export type { FrameStream } from './response-stream.js';
export { type PemInput, type TlsOptions, type TlsUpgradeOptions, upgradeToTls } from './tls-upgrade.js';
