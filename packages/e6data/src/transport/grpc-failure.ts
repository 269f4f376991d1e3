import { type ServiceError, status } from '@grpc/grpc-js';

/**
 * What a failed gRPC call means to the client, read from its status code and text
 * (docs/protocols/e6data.md, blue-green and auto-resume). An intermediary answers a wrong strategy
 * with HTTP 456 and a suspended cluster with HTTP 503, without gRPC trailers: grpc-js reports them
 * as UNKNOWN / UNAVAILABLE with "Received HTTP status code 456|503", gRPC-core as
 * "Received http2 header with status: 456"; the 3.0 line's bearer path sends "status: 456".
 */
export type GrpcFailureKind =
  /** HTTP 456: the `strategy` header names the deployment that is not active. */
  | 'wrong-strategy'
  /** HTTP 503: the cluster is suspended (or not yet resumed). */
  | 'cluster-suspended'
  /** INTERNAL "Access denied…" or UNAUTHENTICATED: the credentials or the session were refused. */
  | 'access-denied'
  /** PERMISSION_DENIED. */
  | 'permission-denied'
  /** The call was cancelled by us (deadline, abort, close). */
  | 'cancelled'
  /** DEADLINE_EXCEEDED. */
  | 'deadline'
  /** The server could not be reached, or the connection broke (UNAVAILABLE, not 503). */
  | 'unavailable'
  /** The call's HTTP/2 stream was reset, or its connection dropped, after the request left. */
  | 'stream-reset'
  /** RESOURCE_EXHAUSTED: a message over a size limit. */
  | 'too-large'
  /** INTERNAL and INVALID_ARGUMENT that are not about access: the engine's own error. */
  | 'query-failed'
  /** Anything else. */
  | 'server';

const HTTP_456 = /\bstatus(?: code)?:? 456\b/i;
const HTTP_503 = /\bstatus(?: code)?:? 503\b/i;
const ACCESS_DENIED = /access denied/i;
/** grpc-js's texts for a stream or connection that ended under a call (it reports them as INTERNAL). */
const STREAM_RESET = /Received RST_STREAM|Connection dropped|stream (?:was )?(?:closed|destroyed)/i;

/** A gRPC failure as grpc-js reports it: the fields this module reads. */
export type GrpcFailure = Pick<ServiceError, 'code' | 'details'>;

/** Classifies a failed call (one table for the whole driver). */
export function classifyGrpcFailure(failure: GrpcFailure): GrpcFailureKind {
  const details = failure.details ?? '';
  switch (failure.code) {
    case status.UNKNOWN:
      return HTTP_456.test(details) ? 'wrong-strategy' : 'server';
    case status.UNAVAILABLE:
      if (HTTP_503.test(details)) return 'cluster-suspended';
      return HTTP_456.test(details) ? 'wrong-strategy' : 'unavailable';
    case status.INTERNAL:
      if (ACCESS_DENIED.test(details)) return 'access-denied';
      if (STREAM_RESET.test(details)) return 'stream-reset';
      return HTTP_456.test(details) ? 'wrong-strategy' : 'query-failed';
    case status.UNAUTHENTICATED:
      return 'access-denied';
    case status.PERMISSION_DENIED:
      return ACCESS_DENIED.test(details) ? 'access-denied' : 'permission-denied';
    case status.CANCELLED:
      return 'cancelled';
    case status.DEADLINE_EXCEEDED:
      return 'deadline';
    case status.RESOURCE_EXHAUSTED:
      return 'too-large';
    case status.INVALID_ARGUMENT:
      return 'query-failed';
    default:
      return 'server';
  }
}

/** The HTTP status an intermediary answered with (456, 503), when the text names one. */
export function httpStatusOf(failure: GrpcFailure): number | undefined {
  const match = /\bstatus(?: code)?:? (\d{3})\b/i.exec(failure.details ?? '');
  return match === null ? undefined : Number(match[1]);
}
