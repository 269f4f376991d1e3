import { type CancelSource, ConnectionError, ProtocolError, type Secret } from '@conn/core';
import {
  type ChannelCredentials,
  type ChannelOptions,
  Client,
  type ClientUnaryCall,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import type { Rpc } from '../protocol/messages.js';
import { errorFromGrpc } from './grpc-error.js';

/** The gRPC metadata of one call (docs/protocols/e6data.md, headers). */
export interface CallHeaders {
  /** `blue` or `green`, once known. */
  readonly strategy?: string | undefined;
  /** The cluster's name, sent lower-cased. */
  readonly clusterName?: string | undefined;
  /** The planner that prepared the query: sent on every query-scoped call. */
  readonly plannerIp?: string | undefined;
}

/** Options of one {@link GrpcChannel.unary} call. */
export interface UnaryOptions {
  readonly headers: CallHeaders;
  /** The public call it belongs to: its end (deadline, abort, close) cancels the RPC. */
  readonly cancel?: CancelSource | undefined;
  /** A gRPC deadline of its own (the prepare timeout), in ms from now. */
  readonly deadlineMs?: number | undefined;
  /** Removed from every error message. */
  readonly secrets: readonly (Secret | undefined)[];
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * One HTTP/2 channel to an e6data cluster (grpc-js), carrying unary calls to
 * `/QueryEngineService/<rpc>` and `/ClusterService/<rpc>` with our own protobuf codecs: no
 * proto-loader, so one protobufjs major only. Answers are decoded here, so an undecodable one is a
 * `ProtocolError` rather than grpc-js's generic parse error.
 */
export class GrpcChannel {
  readonly #client: Client;
  /** Calls in flight: grpc-js's close() lets them run on, ours cancels them. */
  readonly #active = new Set<ClientUnaryCall>();
  #closed = false;

  constructor(target: string, credentials: ChannelCredentials, options: ChannelOptions) {
    this.#client = new Client(target, credentials, options);
  }

  /** Sends one request; resolves with the decoded answer. @throws ConnError (see `errorFromGrpc`). */
  unary<Request, Response>(
    rpc: Rpc<Request, Response>,
    request: Request,
    options: UnaryOptions,
  ): Promise<Response> {
    const cancel = options.cancel;
    if (cancel?.reason !== undefined) return Promise.reject(cancel.reason);
    const metadata = new Metadata();
    const { strategy, clusterName, plannerIp } = options.headers;
    if (plannerIp !== undefined && plannerIp !== '') metadata.set('plannerip', plannerIp);
    if (clusterName !== undefined && clusterName !== '')
      metadata.set('cluster-name', clusterName.toLowerCase());
    if (strategy !== undefined) metadata.set('strategy', strategy);
    const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
    return new Promise<Response>((resolve, reject) => {
      const onCancel = (): void => grpcCall.cancel();
      const grpcCall = this.#client.makeUnaryRequest(
        rpc.path,
        (message: Request) => toBuffer(rpc.request.encode(message).finish()),
        identity,
        request,
        metadata,
        callOptions,
        (error: ServiceError | null, bytes?: Buffer) => {
          cancel?.offCancel(onCancel);
          this.#active.delete(grpcCall);
          if (error !== null && this.#closed && error.code === status.CANCELLED) {
            reject(
              new ConnectionError(
                `e6data ${rpc.method}: the client was closed while the call was in flight`,
                {
                  code: 'CONN_CONNECTION_CLOSED',
                  details: { method: rpc.method, written: true },
                },
              ),
            );
            return;
          }
          if (error !== null) {
            reject(errorFromGrpc(error, { method: rpc.method, secrets: options.secrets, cancel }));
            return;
          }
          try {
            resolve(rpc.response.decode(bytes ?? Buffer.alloc(0)));
          } catch (cause) {
            reject(
              new ProtocolError(`e6data ${rpc.method}: the answer is not a valid protobuf message`, {
                code: 'CONN_E6DATA_BAD_RESPONSE',
                cause,
                details: { method: rpc.method, bytes: bytes?.length ?? 0 },
              }),
            );
          }
        },
      );
      this.#active.add(grpcCall);
      cancel?.onCancel(onCancel);
    });
  }

  /** Closes the channel and cancels the calls still in flight (they fail with `CONN_CONNECTION_CLOSED`). */
  close(): void {
    this.#closed = true;
    for (const call of this.#active) call.cancel();
    this.#active.clear();
    this.#client.close();
  }
}

/** A view of the encoded bytes as a Buffer, without a copy. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
