/**
 * A bare gRPC client for tests of the test server: grpc-js `Client.makeUnaryRequest` with the RPC
 * table's encode/decode, no driver logic, so a test sees exactly what grpc-js reports.
 */
import {
  type ChannelCredentials,
  Client,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { RPC, type Rpc, type RpcTable } from '../../src/protocol/messages.js';

type RequestOf<M extends keyof RpcTable> = RpcTable[M] extends Rpc<infer Request, unknown> ? Request : never;
type ResponseOf<M extends keyof RpcTable> =
  RpcTable[M] extends Rpc<unknown, infer Response> ? Response : never;

/** The headers e6data sends (docs/protocols/e6data.md, headers). */
export interface CallHeaders {
  readonly strategy?: string;
  readonly 'cluster-name'?: string;
  readonly plannerip?: string;
}

/** A rejected call: the grpc-js error. */
export type CallError = ServiceError;

/** grpc-js call options the tests use. */
export interface CallOptions {
  readonly deadline?: Date;
}

/** A call in flight: the grpc-js call (to `cancel()` it) and its outcome. */
export interface StartedCall<Response> {
  readonly call: ClientUnaryCall;
  readonly response: Promise<Response>;
}

export class BareClient {
  readonly #client: Client;

  /**
   * Plaintext by default; pass `credentials.createSsl(…)` for a TLS server, and `serverName` to
   * check its certificate for that name instead of the IP address.
   */
  constructor(
    port: number,
    channelCredentials: ChannelCredentials = credentials.createInsecure(),
    serverName?: string,
  ) {
    const options = serverName === undefined ? {} : { 'grpc.ssl_target_name_override': serverName };
    this.#client = new Client(`127.0.0.1:${String(port)}`, channelCredentials, options);
  }

  /** Starts one unary call; `response` rejects with the grpc-js `ServiceError`. */
  start<M extends keyof RpcTable>(
    method: M,
    request: RequestOf<M>,
    headers: CallHeaders = {},
    options: CallOptions = {},
  ): StartedCall<ResponseOf<M>> {
    const rpc = RPC[method] as Rpc<RequestOf<M>, ResponseOf<M>>;
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) if (value !== undefined) metadata.set(key, value);
    let call: ClientUnaryCall | undefined;
    const response = new Promise<ResponseOf<M>>((resolve, reject) => {
      call = this.#client.makeUnaryRequest<RequestOf<M>, ResponseOf<M>>(
        rpc.path,
        (value) => Buffer.from(rpc.request.encode(value).finish()),
        (bytes) => rpc.response.decode(bytes),
        request,
        metadata,
        options,
        (error, response) => {
          if (error !== null) reject(error);
          else resolve(response as ResponseOf<M>);
        },
      );
    });
    return { call: call as ClientUnaryCall, response };
  }

  /** One unary call; rejects with the grpc-js `ServiceError`. */
  call<M extends keyof RpcTable>(
    method: M,
    request: RequestOf<M>,
    headers: CallHeaders = {},
    options: CallOptions = {},
  ): Promise<ResponseOf<M>> {
    return this.start(method, request, headers, options).response;
  }

  /** A call expected to fail: resolves with its error, rejects if it succeeded. */
  async fail<M extends keyof RpcTable>(
    method: M,
    request: RequestOf<M>,
    headers: CallHeaders = {},
    options: CallOptions = {},
  ): Promise<CallError> {
    try {
      await this.call(method, request, headers, options);
    } catch (error) {
      return error as CallError;
    }
    throw new Error(`${method} succeeded but was expected to fail`);
  }

  close(): void {
    this.#client.close();
  }
}
