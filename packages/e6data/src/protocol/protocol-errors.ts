import { ProtocolError } from '@conn/core';

/**
 * A result batch (Thrift `Chunk`) that cannot be decoded: truncated, a wrong wire type, a data kind
 * that does not fit the vector type, and so on. `offset` is the byte position where it was noticed.
 */
export function malformedChunk(what: string, offset: number): ProtocolError {
  return new ProtocolError(`malformed e6data result batch: ${what} (at byte ${offset})`, {
    code: 'CONN_E6DATA_MALFORMED_CHUNK',
    details: { what, offset },
  });
}

/** Result metadata (Java `DataOutputStream` layout) that cannot be decoded. */
export function malformedMetadata(what: string, offset: number): ProtocolError {
  return new ProtocolError(`malformed e6data result metadata: ${what} (at byte ${offset})`, {
    code: 'CONN_E6DATA_MALFORMED_METADATA',
    details: { what, offset },
  });
}

/** A vector type this driver cannot decode (TIMESTAMP/INT96 without time data, unknown codes). */
export function unsupportedType(vectorType: string, column: number): ProtocolError {
  return new ProtocolError(`unsupported e6data vector type ${vectorType} in column ${column}`, {
    code: 'CONN_E6DATA_UNSUPPORTED_TYPE',
    details: { vectorType, column },
  });
}
