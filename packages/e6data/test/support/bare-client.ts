/**
 * A bare gRPC client for tests of the test server: grpc-js `Client.makeUnaryRequest` with the RPC
 * table's encode/decode, no driver logic, so a test sees exactly what grpc-js reports.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
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

export class BareClient {
  readonly #client: Client;

  constructor(port: number) {
    this.#client = new Client(`127.0.0.1:${String(port)}`, credentials.createInsecure());
  }

  /** One unary call; rejects with the grpc-js `ServiceError`. */
  call<M extends keyof RpcTable>(
    method: M,
    request: RequestOf<M>,
    headers: CallHeaders = {},
    options: { deadline?: Date } = {},
  ): Promise<ResponseOf<M>> {
    const rpc = RPC[method] as Rpc<RequestOf<M>, ResponseOf<M>>;
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) if (value !== undefined) metadata.set(key, value);
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest<RequestOf<M>, ResponseOf<M>>(
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
  }

  /** A call expected to fail: resolves with its error, rejects if it succeeded. */
  async fail<M extends keyof RpcTable>(
    method: M,
    request: RequestOf<M>,
    headers: CallHeaders = {},
  ): Promise<CallError> {
    try {
      await this.call(method, request, headers);
    } catch (error) {
      return error as CallError;
    }
    throw new Error(`${method} succeeded but was expected to fail`);
  }

  close(): void {
    this.#client.close();
  }
}
