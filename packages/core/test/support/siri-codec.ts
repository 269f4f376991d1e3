import { ProtocolError } from '../../src/errors/index.js';
import type { FrameCodec } from '../../src/transport/frame-codec.js';

/** A SiriDB-style package: 8-byte LE header (length, pid, type, check = type ^ 0xff) and payload. */
export interface SiriPackage {
  readonly pid: number;
  readonly type: number;
  readonly payload: Buffer;
}

/** What a test sends; the connection chooses the pid. */
export type SiriPackageRequest = Omit<SiriPackage, 'pid'>;

/** A codec with SiriDB's header, for tests that need a check byte and an id on the wire. */
export function siriTestCodec(maxPayloadBytes: number): FrameCodec<SiriPackageRequest, SiriPackage> {
  return {
    maxFrameBytes: 8 + maxPayloadBytes,
    frameLength(buffered) {
      if (buffered.length < 8) return undefined;
      const type = buffered.readUInt8(6);
      if ((type ^ 0xff) !== buffered.readUInt8(7))
        throw new ProtocolError('bad check byte', { details: { type } });
      return 8 + buffered.readUInt32LE(0);
    },
    decode(frame) {
      return { pid: frame.readUInt16LE(4), type: frame.readUInt8(6), payload: frame.subarray(8) };
    },
    encode({ type, payload }, id) {
      const header = Buffer.alloc(8);
      header.writeUInt32LE(payload.length, 0);
      header.writeUInt16LE(id ?? 0, 4);
      header.writeUInt8(type, 6);
      header.writeUInt8(type ^ 0xff, 7);
      return Buffer.concat([header, payload]);
    },
  };
}

/** The bytes of one package with the given pid. */
export function siriFrame(pid: number, type: number, payload: Buffer): Buffer {
  return siriTestCodec(payload.length).encode({ type, payload }, pid) as Buffer;
}
