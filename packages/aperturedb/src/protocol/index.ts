export {
  type AperturedbFrameCodecOptions,
  aperturedbFrameCodec,
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAME_HEADER_BYTES,
} from './frame-codec.js';
export {
  encodeHello,
  HELLO_FRAME_BYTES,
  HELLO_VERSION,
  type HelloResult,
  helloReplyCodec,
  ProtocolFlag,
  parseHelloReply,
  type RequestedProtocol,
} from './hello.js';
export {
  decodeQueryMessage,
  decodeQueryMessageAt,
  encodedQueryMessageBytes,
  encodeQueryMessage,
  type QueryMessage,
  type QueryMessageInput,
} from './query-message.js';
