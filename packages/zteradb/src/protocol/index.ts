export {
  buildConnectRequest,
  type ConnectRequest,
  type ConnectRequestInput,
  type ZTeraDBEnv,
  type ZTeraDBResponseDataType,
} from './connect-request.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  decodeJsonPayload,
  FRAME_HEADER_BYTES,
  zteradbClientCodec,
  zteradbJsonCodec,
} from './frame-codec.js';
export {
  type HandshakeProgress,
  HandshakeReader,
  type HandshakeReaderOptions,
  parseUtcDateTime,
  type ZTeraDBSession,
} from './handshake.js';
export {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  RawJson,
  stringifyWireObject,
  type WireObject,
  type WireValue,
} from './json.js';
export { buildCancelRequest, buildQueryRequest, type QueryRequestInput } from './query-request.js';
export {
  DISCONNECT_REQUEST_TYPE,
  RequestType,
  type RequestTypeCode,
  requestTypeName,
} from './request-types.js';
export {
  describeResponseCode,
  NODE_RESPONSE_CODES,
  PYTHON_RESPONSE_CODES,
  ResponseCode,
  type ResponseCodeInfo,
} from './response-codes.js';
export {
  classifyResponse,
  parseResponseEnvelope,
  type ResponseEnvelope,
  type ServerFrame,
  serverErrorMessage,
} from './response-envelope.js';
export { type ServerProofOptions, verifyServerProof } from './server-proof.js';
export { type SignatureInput, signV2, verifySignatureV2 } from './signature.js';
