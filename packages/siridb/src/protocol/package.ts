import { ProtocolError } from '@conn/core';

/** Bytes of a package header: uint32 length, uint16 pid, uint8 type, uint8 check (type ^ 0xff). */
export const HEADER_SIZE = 8;

/** Largest package the server accepts from a client (40 MiB); larger ones make it close the socket. */
export const SERVER_MAX_PACKAGE_BYTES = 41_943_040;

/** Request types a client sends (`include/siri/net/protocol.h`). */
export const RequestType = {
  QUERY: 0,
  INSERT: 1,
  AUTH: 2,
  PING: 3,
  SERVICE: 32,
} as const;

/** Response types the server sends. 64..191 are errors. */
export const ResponseType = {
  QUERY: 0,
  INSERT: 1,
  AUTH_SUCCESS: 2,
  ACK: 3,
  FILE: 5,
  ACK_SERVICE: 32,
  ACK_SERVICE_DATA: 33,
  ERR_MSG: 64,
  ERR_QUERY: 65,
  ERR_INSERT: 66,
  ERR_SERVER: 67,
  ERR_POOL: 68,
  ERR_USER_ACCESS: 69,
  ERR: 70,
  ERR_NOT_AUTHENTICATED: 71,
  ERR_AUTH_CREDENTIALS: 72,
  ERR_AUTH_UNKNOWN_DB: 73,
  ERR_LOADING_DB: 74,
  ERR_FILE: 75,
  ERR_SERVICE: 96,
  ERR_SERVICE_INVALID_REQUEST: 97,
} as const;

/** True for the server's error types (`sirinet_protocol_is_error`: 64 <= type < 192). */
export function isErrorType(type: number): boolean {
  return type >= 64 && type < 192;
}

/** One decoded package: header fields and the payload bytes (a view; copy to keep it). */
export interface SiriPackage {
  readonly pid: number;
  readonly type: number;
  readonly payload: Buffer;
}

/**
 * Writes a package header for `payloadLength` bytes into a new buffer of `HEADER_SIZE +
 * payloadLength` bytes; the caller copies the payload after the header (one buffer per message).
 */
export function allocatePackage(pid: number, type: number, payloadLength: number): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_SIZE + payloadLength);
  writeHeader(buffer, 0, pid, type, payloadLength);
  return buffer;
}

/** Encodes a whole package (header + payload). */
export function encodePackage(pid: number, type: number, payload: Uint8Array = EMPTY): Buffer {
  const buffer = allocatePackage(pid, type, payload.length);
  buffer.set(payload, HEADER_SIZE);
  return buffer;
}

/** Writes the 8-byte little-endian header at `offset`. */
export function writeHeader(
  buffer: Buffer,
  offset: number,
  pid: number,
  type: number,
  payloadLength: number,
): void {
  buffer.writeUInt32LE(payloadLength, offset);
  buffer.writeUInt16LE(pid, offset + 4);
  buffer.writeUInt8(type, offset + 6);
  buffer.writeUInt8(type ^ 0xff, offset + 7);
}

/**
 * Whole package length (header included) once the header has arrived, else `undefined`.
 * @throws ProtocolError when the check byte is not `type ^ 0xff` (the server closes the
 * connection in that case; so do we).
 */
export function packageLength(buffered: Buffer): number | undefined {
  if (buffered.length < HEADER_SIZE) return undefined;
  const type = buffered[6] as number;
  const check = buffered[7] as number;
  if ((type ^ 0xff) !== check) {
    throw new ProtocolError(`bad package check byte: type ${type}, check ${check}`, {
      code: 'CONN_SIRIDB_BAD_CHECK_BYTE',
      details: { type, check },
    });
  }
  return HEADER_SIZE + buffered.readUInt32LE(0);
}

/** Splits a whole package (as cut by `packageLength`) into its fields. */
export function decodePackage(frame: Buffer): SiriPackage {
  return {
    pid: frame.readUInt16LE(4),
    type: frame[6] as number,
    payload: frame.subarray(HEADER_SIZE),
  };
}

const EMPTY = new Uint8Array(0);
