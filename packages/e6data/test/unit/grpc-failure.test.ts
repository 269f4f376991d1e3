import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { classifyGrpcFailure, httpStatusOf } from '../../src/transport/grpc-failure.js';

describe('gRPC failures: one table', () => {
  it('tells a wrong strategy (HTTP 456) in the texts of grpc-js, gRPC-core and the bearer path', () => {
    for (const details of [
      'Received HTTP status code 456',
      'Received http2 header with status: 456',
      'status: 456',
    ]) {
      expect(classifyGrpcFailure({ code: status.UNKNOWN, details }), details).toBe('wrong-strategy');
    }
    expect(httpStatusOf({ code: status.UNKNOWN, details: 'Received HTTP status code 456' })).toBe(456);
    // A 4560 or a 1456 is not a 456.
    expect(classifyGrpcFailure({ code: status.UNKNOWN, details: 'status: 4560' })).toBe('server');
  });

  it('tells a suspended cluster (HTTP 503) from an unreachable one', () => {
    expect(classifyGrpcFailure({ code: status.UNAVAILABLE, details: 'Received HTTP status code 503' })).toBe(
      'cluster-suspended',
    );
    expect(
      classifyGrpcFailure({ code: status.UNAVAILABLE, details: 'No connection established. Last error: x' }),
    ).toBe('unavailable');
  });

  it('reads access denied from INTERNAL and UNAUTHENTICATED, and other INTERNAL errors as the engine’s', () => {
    expect(classifyGrpcFailure({ code: status.INTERNAL, details: 'Access denied: session expired' })).toBe(
      'access-denied',
    );
    expect(classifyGrpcFailure({ code: status.UNAUTHENTICATED, details: '' })).toBe('access-denied');
    expect(classifyGrpcFailure({ code: status.INTERNAL, details: 'Table not found: x' })).toBe(
      'query-failed',
    );
    expect(classifyGrpcFailure({ code: status.NOT_FOUND, details: 'Query not found' })).toBe('server');
  });
});

describe('a reset stream', () => {
  it('is the connection, not the engine refusing the statement', () => {
    expect(
      classifyGrpcFailure({
        code: status.INTERNAL,
        details: 'Received RST_STREAM with code 2 (Internal server error)',
      }),
    ).toBe('stream-reset');
  });
});
