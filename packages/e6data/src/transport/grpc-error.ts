import {
  type CancelSource,
  type ConnError,
  ConnectionError,
  ProtocolError,
  redactSecrets,
  type Secret,
  TimeoutError,
} from '@conn/core';
import { status } from '@grpc/grpc-js';
import {
  E6DataAuthenticationError,
  E6DataClusterUnavailableError,
  E6DataQueryError,
  E6DataServerError,
  E6DataStrategyError,
} from '../errors.js';
import { maskSecrets } from '../mask-secrets.js';
import { classifyGrpcFailure, type GrpcFailure, httpStatusOf } from './grpc-failure.js';

/** What the error of a failed call says about where it failed. */
export interface FailedCall {
  /** The RPC's method name, e.g. `prepareStatementV2`. */
  readonly method: string;
  /** Secrets the server might echo (password, session id): removed from every message. */
  readonly secrets: readonly (Secret | undefined)[];
  /** The call the RPC belongs to: when it ended (deadline, abort), its reason is the answer. */
  readonly cancel?: CancelSource | undefined;
}

/** grpc-js's text for a call that never reached a server: nothing was sent. */
const NOT_CONNECTED = /No connection established|connect ECONNREFUSED|Name resolution failed/i;

/**
 * The `ConnError` of a failed RPC: one table from gRPC status (and the HTTP status an intermediary
 * sent) to the driver's error classes. `details.failure` keeps the classification, which the client
 * reads to switch strategy, resume the cluster or re-authenticate.
 */
export function errorFromGrpc(failure: GrpcFailure, call: FailedCall): ConnError {
  const reason = call.cancel?.reason;
  if (reason !== undefined && failure.code === status.CANCELLED) return reason;
  const kind = classifyGrpcFailure(failure);
  // The engine may quote the statement it refused: literals after secret words are masked too.
  const serverMessage = maskSecrets(redactSecrets(failure.details ?? '', call.secrets));
  const httpStatus = httpStatusOf(failure);
  const serverCode =
    kind === 'wrong-strategy' || kind === 'cluster-suspended' ? (httpStatus ?? failure.code) : failure.code;
  const grpcStatus = status[failure.code] ?? String(failure.code);
  const details = { failure: kind, method: call.method, grpcStatus, serverCode };
  const options = { serverCode, serverMessage, details };
  const said = `e6data ${call.method}: ${serverMessage || grpcStatus}`;
  switch (kind) {
    case 'wrong-strategy':
      return new E6DataStrategyError(`${said} (the deployment strategy changed)`, options);
    case 'cluster-suspended':
      return new E6DataClusterUnavailableError(`${said} (the cluster is suspended)`, options);
    case 'access-denied':
      return call.method === 'authenticate'
        ? new E6DataAuthenticationError(said, options)
        : new E6DataAuthenticationError(said, {
            ...options,
            code: 'CONN_E6DATA_SESSION_INVALID',
            retryable: true,
          });
    case 'query-failed':
      return new E6DataQueryError(said, options);
    case 'unavailable': {
      const written = !NOT_CONNECTED.test(serverMessage);
      return new ConnectionError(said, {
        code: 'CONN_CONNECTION_FAILED',
        retryable: !written,
        details: { ...details, written },
      });
    }
    case 'stream-reset':
      // The request left: what it did on the server is unknown, so nothing re-sends it.
      return new ConnectionError(`${said} (the stream was reset)`, {
        code: 'CONN_CONNECTION_CLOSED',
        retryable: false,
        details: { ...details, written: true },
      });
    case 'deadline':
      return new TimeoutError(said, { code: 'CONN_E6DATA_RPC_DEADLINE', details });
    case 'cancelled':
      return new ConnectionError(`${said} (cancelled by the server)`, {
        code: 'CONN_CONNECTION_CLOSED',
        details,
      });
    case 'too-large':
      return new ProtocolError(said, { code: 'CONN_E6DATA_MESSAGE_TOO_LARGE', details });
    default:
      return new E6DataServerError(said, options);
  }
}
