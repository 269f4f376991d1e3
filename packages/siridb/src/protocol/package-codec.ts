import type { FrameCodec } from '@conn/core';
import { decodePackage, HEADER_SIZE, packageLength, type SiriPackage, writeHeader } from './package.js';

/** A request as the connection writes it: a package type and its qpack payload (may be empty). */
export interface SiriRequest {
  readonly type: number;
  /** Encoded qpack bytes, shared between retries: the header is written separately, never into it. */
  readonly payload: Buffer;
}

/** Default largest package accepted from the server (the server itself refuses > 40 MiB from clients). */
export const DEFAULT_MAX_PACKAGE_BYTES: number = 64 * 1024 * 1024;

/** Payloads up to this size are copied behind their header instead of written as a second buffer. */
const COPY_LIMIT_BYTES = 64 * 1024;

/**
 * The frame codec of the SiriDB client protocol: 8-byte little-endian header (length, pid,
 * type, check byte) before each payload; the pid is the connection's correlation id.
 */
export function siriPackageCodec(
  maxFrameBytes: number = DEFAULT_MAX_PACKAGE_BYTES,
): FrameCodec<SiriRequest, SiriPackage> {
  return {
    maxFrameBytes,
    frameLength: packageLength,
    decode: decodePackage,
    encode(request, id) {
      const length = request.payload.length;
      if (length <= COPY_LIMIT_BYTES) {
        // One buffer, one write(): a header and a payload under cork become a writev that costs
        // more than copying a small payload (measured per query on a real server).
        const buffer = Buffer.allocUnsafe(HEADER_SIZE + length);
        writeHeader(buffer, 0, id ?? 0, request.type, length);
        request.payload.copy(buffer, HEADER_SIZE);
        return buffer;
      }
      const header = Buffer.allocUnsafe(HEADER_SIZE);
      writeHeader(header, 0, id ?? 0, request.type, length);
      return [header, request.payload];
    },
  };
}
