/**
 * `@conn/zteradb`: a ZTeraDB driver for Node.js: `ZTeraDBClient` (a pool that honours `min`
 * and `max`, streamed rows, typed errors, the driver contract of docs/driver-contract.md), the typed
 * ZQL query builder, and the wire protocol's pure codecs.
 * @packageDocumentation
 */

// The error kinds and `Secret` of the driver contract, from core.
export {
  AbortError,
  AuthenticationError,
  AuthorizationError,
  ClientClosedError,
  ConfigError,
  ConnError,
  ConnectionError,
  isConnError,
  PoolClosedError,
  PoolError,
  type PoolStats,
  PoolTimeoutError,
  ProtocolError,
  QueryError,
  Secret,
  ServerError,
  TimeoutError,
} from '@conn/core';
// The client: a pool of connections (min kept, max bounded) and every call on core's CallRunner.
export { ZTeraDBClient, type ZTeraDBRowOf } from './client.js';
// Errors from server error frames: typed by both response-code tables, `serverCode` and `serverMessage` kept.
export {
  errorFromServerFrame,
  type ServerErrorFrame,
  type ServerErrorPhase,
  ZTeraDBAuthenticationError,
  ZTeraDBAuthorizationError,
  type ZTeraDBErrorFields,
  type ZTeraDBErrorOptions,
  ZTeraDBQueryError,
} from './errors.js';
// Client options: validation with defaults, the service's `.env` names, and the `zteradb://` URL form.
export {
  DEFAULT_PORT,
  type FromEnvOptions,
  optionsFromEnv,
  optionsFromUrl,
  type ResolvedTls,
  type ResolvedZTeraDBOptions,
  resolveOptions,
  type ZTeraDBClientOptions,
  type ZTeraDBPoolOptions,
  type ZTeraDBTlsOptions,
} from './options.js';
// Wire protocol (pure): frames, CONNECT/QUERY/CANCEL requests, response envelopes and codes, handshake.
export {
  buildCancelRequest,
  buildConnectRequest,
  buildQueryRequest,
  type ConnectRequest,
  type ConnectRequestInput,
  classifyResponse,
  DEFAULT_MAX_FRAME_BYTES,
  DISCONNECT_REQUEST_TYPE,
  describeResponseCode,
  type HandshakeProgress,
  HandshakeReader,
  type HandshakeReaderOptions,
  type JsonObject,
  type JsonValue,
  NODE_RESPONSE_CODES,
  PYTHON_RESPONSE_CODES,
  type QueryRequestInput,
  RawJson,
  RequestType,
  type RequestTypeCode,
  ResponseCode,
  type ResponseCodeInfo,
  type ResponseEnvelope,
  type ServerFrame,
  type ServerProofOptions,
  signV2,
  verifyServerProof,
  verifySignatureV2,
  type WireObject,
  type WireValue,
  type ZTeraDBEnv,
  type ZTeraDBResponseDataType,
  type ZTeraDBSession,
  zteradbClientCodec,
  zteradbJsonCodec,
} from './protocol/index.js';
// What run(), count(), insert(), update() and delete() take: a builder or its plain query object.
export type { ZTeraDBQueryInput } from './query-plan.js';
// The rows of one select: `for await`, `toArray()`, `first()`.
export { ZTeraDBRows } from './rows.js';
// The answer to one query, read frame by frame (pure): rows until QUERY_COMPLETE, or one result.
export {
  type AnswerEvent,
  AnswerReader,
  type AnswerState,
  requestKindOf,
  type ZTeraDBCountResult,
  type ZTeraDBDeleteResult,
  type ZTeraDBInsertResult,
  type ZTeraDBRequestKind,
  type ZTeraDBResultOf,
  type ZTeraDBSingleResult,
  type ZTeraDBUpdateResult,
} from './stream/index.js';

// ZQL builder (pure): `ZTeraDBQuery<Row>(schema)` and the `ZT*` filter-condition helpers.
export {
  isZqlCondition,
  ZQL_ERROR_CODE,
  type ZqlCondition,
  type ZqlExpression,
  type ZqlFieldName,
  type ZqlKind,
  type ZqlListHelper,
  type ZqlLogicalHelper,
  type ZqlMatchHelper,
  type ZqlOperator,
  type ZqlProjection,
  ZqlQuery,
  type ZqlQueryObject,
  type ZqlScalar,
  type ZqlSortKey,
  type ZqlValues,
  ZTADD,
  ZTAND,
  ZTCONTAINS,
  ZTDIV,
  ZTENDSWITH,
  ZTEQUAL,
  ZTeraDBQuery,
  ZTGT,
  ZTGTE,
  ZTICONTAINS,
  ZTIENDSWITH,
  ZTIN,
  ZTISTARTSWITH,
  ZTLT,
  ZTLTE,
  ZTMOD,
  ZTMUL,
  ZTOR,
  ZTSTARTSWITH,
  ZTSUB,
} from './zql/index.js';
