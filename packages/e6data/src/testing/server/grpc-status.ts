/**
 * gRPC status codes the test server sends, the failure a handler throws to send one, and the
 * percent-encoding of `grpc-message` (docs/protocols/e6data.md, the test double).
 * @internal
 */

/** The gRPC status codes this server uses. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** A handler's refusal: answered as trailers `grpc-status: code`, `grpc-message: message`. */
export class GrpcFailure extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'GrpcFailure';
    this.code = code;
  }
}

/**
 * `grpc-message` as gRPC requires: UTF-8, every byte outside printable ASCII and `%` itself
 * written as `%XX`.
 */
export function percentEncodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(message)) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
