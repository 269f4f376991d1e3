import * as messages from './generated/messages.js';

/** A message type of the generated code: what the transport and the test server need of it. */
export interface MessageType<Properties, Message> {
  encode(message: Properties): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Message;
}

/** One unary method: its gRPC path and the types of its request and response. */
export interface Rpc<Request, Response> {
  /** `/QueryEngineService/<method>` or `/ClusterService/<method>` (no proto package). */
  readonly path: string;
  /** The method's name, e.g. `prepareStatementV2`. */
  readonly method: string;
  readonly request: MessageType<Request, Request>;
  readonly response: MessageType<Response, Response>;
}

function rpc<Request, Response>(
  service: 'QueryEngineService' | 'ClusterService',
  method: string,
  request: MessageType<Request, unknown>,
  response: MessageType<Response, unknown>,
): Rpc<Request, Response> {
  return {
    path: `/${service}/${method}`,
    method,
    request: request as MessageType<Request, Request>,
    response: response as MessageType<Response, Response>,
  };
}

export type AuthenticateRequest = messages.AuthenticateRequest.$Properties;
export type AuthenticateResponse = messages.AuthenticateResponse.$Properties;
export type PrepareStatementRequest = messages.PrepareStatementRequest.$Properties;
export type PrepareStatementV2Request = messages.PrepareStatementV2Request.$Properties;
export type PrepareStatementResponse = messages.PrepareStatementResponse.$Properties;
export type ExecuteStatementRequest = messages.ExecuteStatementRequest.$Properties;
export type ExecuteStatementV2Request = messages.ExecuteStatementV2Request.$Properties;
export type ExecuteStatementResponse = messages.ExecuteStatementResponse.$Properties;
export type QueryRequest = messages.QueryRequest.$Properties;
export type ClearOrCancelQueryRequest = messages.ClearOrCancelQueryRequest.$Properties;
export type GetResultMetadataResponse = messages.GetResultMetadataResponse.$Properties;
export type GetNextResultBatchResponse = messages.GetNextResultBatchResponse.$Properties;
export type ExplainAnalyzeResponse = messages.ExplainAnalyzeResponse.$Properties;
export type ExplainResponse = messages.ExplainResponse.$Properties;
export type StatusResponse = messages.StatusResponse.$Properties;
export type SessionResponse = messages.SessionResponse.$Properties;
export type GetSchemaNamesV2Request = messages.GetSchemaNamesV2Request.$Properties;
export type GetTablesV2Request = messages.GetTablesV2Request.$Properties;
export type GetColumnsV2Request = messages.GetColumnsV2Request.$Properties;
export type GetSchemaNamesResponse = messages.GetSchemaNamesResponse.$Properties;
export type GetTablesResponse = messages.GetTablesResponse.$Properties;
export type GetColumnsResponse = messages.GetColumnsResponse.$Properties;
export type DryRunRequest = messages.DryRunRequestV2.$Properties;
export type DryRunResponse = messages.DryRunResponse.$Properties;
export type ClusterRequest = messages.ClusterRequest.$Properties;
export type ClusterResponse = messages.ClusterResponse.$Properties;

const Q = 'QueryEngineService';
const C = 'ClusterService';

/** The methods of {@link RPC}, each with its request and response types. */
export interface RpcTable {
  readonly authenticate: Rpc<AuthenticateRequest, AuthenticateResponse>;
  readonly prepareStatement: Rpc<PrepareStatementRequest, PrepareStatementResponse>;
  readonly prepareStatementV2: Rpc<PrepareStatementV2Request, PrepareStatementResponse>;
  readonly executeStatement: Rpc<ExecuteStatementRequest, ExecuteStatementResponse>;
  readonly executeStatementV2: Rpc<ExecuteStatementV2Request, ExecuteStatementResponse>;
  readonly getResultMetadata: Rpc<QueryRequest, GetResultMetadataResponse>;
  readonly getNextResultBatch: Rpc<QueryRequest, GetNextResultBatchResponse>;
  readonly explainAnalyze: Rpc<QueryRequest, ExplainAnalyzeResponse>;
  readonly explain: Rpc<QueryRequest, ExplainResponse>;
  readonly status: Rpc<QueryRequest, StatusResponse>;
  readonly clear: Rpc<QueryRequest, SessionResponse>;
  readonly cancelQuery: Rpc<QueryRequest, SessionResponse>;
  readonly clearOrCancelQuery: Rpc<ClearOrCancelQueryRequest, SessionResponse>;
  readonly getSchemaNamesV2: Rpc<GetSchemaNamesV2Request, GetSchemaNamesResponse>;
  readonly getTablesV2: Rpc<GetTablesV2Request, GetTablesResponse>;
  readonly getColumnsV2: Rpc<GetColumnsV2Request, GetColumnsResponse>;
  readonly dryRun: Rpc<DryRunRequest, DryRunResponse>;
  readonly dryRunV2: Rpc<DryRunRequest, DryRunResponse>;
  readonly clusterStatus: Rpc<ClusterRequest, ClusterResponse>;
  readonly clusterResume: Rpc<ClusterRequest, ClusterResponse>;
  readonly clusterSuspend: Rpc<ClusterRequest, ClusterResponse>;
}

/**
 * Every method the client calls, and the test server answers (docs/protocols/e6data.md, the
 * service table). Requests of one shape share one message type: the field numbers are the same.
 */
export const RPC: RpcTable = {
  authenticate: rpc<AuthenticateRequest, AuthenticateResponse>(
    Q,
    'authenticate',
    messages.AuthenticateRequest,
    messages.AuthenticateResponse,
  ),
  prepareStatement: rpc<PrepareStatementRequest, PrepareStatementResponse>(
    Q,
    'prepareStatement',
    messages.PrepareStatementRequest,
    messages.PrepareStatementResponse,
  ),
  prepareStatementV2: rpc<PrepareStatementV2Request, PrepareStatementResponse>(
    Q,
    'prepareStatementV2',
    messages.PrepareStatementV2Request,
    messages.PrepareStatementResponse,
  ),
  executeStatement: rpc<ExecuteStatementRequest, ExecuteStatementResponse>(
    Q,
    'executeStatement',
    messages.ExecuteStatementRequest,
    messages.ExecuteStatementResponse,
  ),
  executeStatementV2: rpc<ExecuteStatementV2Request, ExecuteStatementResponse>(
    Q,
    'executeStatementV2',
    messages.ExecuteStatementV2Request,
    messages.ExecuteStatementResponse,
  ),
  getResultMetadata: rpc<QueryRequest, GetResultMetadataResponse>(
    Q,
    'getResultMetadata',
    messages.QueryRequest,
    messages.GetResultMetadataResponse,
  ),
  getNextResultBatch: rpc<QueryRequest, GetNextResultBatchResponse>(
    Q,
    'getNextResultBatch',
    messages.QueryRequest,
    messages.GetNextResultBatchResponse,
  ),
  explainAnalyze: rpc<QueryRequest, ExplainAnalyzeResponse>(
    Q,
    'explainAnalyze',
    messages.QueryRequest,
    messages.ExplainAnalyzeResponse,
  ),
  explain: rpc<QueryRequest, ExplainResponse>(Q, 'explain', messages.QueryRequest, messages.ExplainResponse),
  status: rpc<QueryRequest, StatusResponse>(Q, 'status', messages.QueryRequest, messages.StatusResponse),
  clear: rpc<QueryRequest, SessionResponse>(Q, 'clear', messages.QueryRequest, messages.SessionResponse),
  cancelQuery: rpc<QueryRequest, SessionResponse>(
    Q,
    'cancelQuery',
    messages.QueryRequest,
    messages.SessionResponse,
  ),
  clearOrCancelQuery: rpc<ClearOrCancelQueryRequest, SessionResponse>(
    Q,
    'clearOrCancelQuery',
    messages.ClearOrCancelQueryRequest,
    messages.SessionResponse,
  ),
  getSchemaNamesV2: rpc<GetSchemaNamesV2Request, GetSchemaNamesResponse>(
    Q,
    'getSchemaNamesV2',
    messages.GetSchemaNamesV2Request,
    messages.GetSchemaNamesResponse,
  ),
  getTablesV2: rpc<GetTablesV2Request, GetTablesResponse>(
    Q,
    'getTablesV2',
    messages.GetTablesV2Request,
    messages.GetTablesResponse,
  ),
  getColumnsV2: rpc<GetColumnsV2Request, GetColumnsResponse>(
    Q,
    'getColumnsV2',
    messages.GetColumnsV2Request,
    messages.GetColumnsResponse,
  ),
  dryRun: rpc<DryRunRequest, DryRunResponse>(Q, 'dryRun', messages.DryRunRequestV2, messages.DryRunResponse),
  dryRunV2: rpc<DryRunRequest, DryRunResponse>(
    Q,
    'dryRunV2',
    messages.DryRunRequestV2,
    messages.DryRunResponse,
  ),
  clusterStatus: rpc<ClusterRequest, ClusterResponse>(
    C,
    'status',
    messages.ClusterRequest,
    messages.ClusterResponse,
  ),
  clusterResume: rpc<ClusterRequest, ClusterResponse>(
    C,
    'resume',
    messages.ClusterRequest,
    messages.ClusterResponse,
  ),
  clusterSuspend: rpc<ClusterRequest, ClusterResponse>(
    C,
    'suspend',
    messages.ClusterRequest,
    messages.ClusterResponse,
  ),
};

/** A 64-bit field as protobufjs hands it: a number, or a `Long`-like object when `long` is loaded. */
export type WireInt64 = number | { toString(radix?: number): string } | null | undefined;

/** A 64-bit field as a `bigint` (0 when absent). */
export function int64ToBigInt(value: WireInt64): bigint {
  if (value === null || value === undefined) return 0n;
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toString());
}
