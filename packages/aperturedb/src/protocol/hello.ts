import { type FrameCodec, ProtocolError } from '@conn/core';

/**
 * The cleartext hello both sides send right after connecting, before any TLS
 * (docs/protocols/aperturedb.md, handshake): a 4-byte LE length of 8, then `version` and `protocol`
 * as LE uint32s. 12 bytes in all.
 */
export const HELLO_FRAME_BYTES = 12;

/** The hello payload length, as carried by the frame header. */
const HELLO_PAYLOAD_BYTES = 8;

/** The only protocol version there is. A server that cannot speak it replies version 0. */
export const HELLO_VERSION = 1;

/** The protocol field is a set of bit flags; the server replies with what we offered AND what it allows. */
export const ProtocolFlag = { tcp: 1, tls: 2, any: 3 } as const;

/** What a client offers: cleartext only, TLS only, or either (the server picks; TLS wins). */
export type RequestedProtocol = keyof typeof ProtocolFlag;

/** What the handshake settled on. */
export interface HelloResult {
  /** `'tls'`: upgrade the same socket to TLS now; `'tcp'`: stay in cleartext. */
  readonly protocol: 'tcp' | 'tls';
}

/** The 12-byte hello a client sends for `protocol` (header included). */
export function encodeHello(protocol: RequestedProtocol): Buffer {
  const hello = Buffer.alloc(HELLO_FRAME_BYTES);
  hello.writeUInt32LE(HELLO_PAYLOAD_BYTES, 0);
  hello.writeUInt32LE(HELLO_VERSION, 4);
  hello.writeUInt32LE(ProtocolFlag[protocol], 8);
  return hello;
}

/**
 * Checks the server's hello reply (the whole 12-byte frame, header included) against what was
 * requested. TLS is required whenever it was asked for; when the reply allows both, TLS wins.
 * A version other than 0 and 1 is accepted, as both official clients do.
 * @throws ProtocolError `CONN_APERTUREDB_VERSION_MISMATCH` when the server replies version 0.
 * @throws ProtocolError `CONN_APERTUREDB_PROTOCOL_REJECTED` when the server accepts none of what
 * was offered, or not TLS when TLS was asked for.
 * @throws ProtocolError `CONN_APERTUREDB_MALFORMED_HELLO` for a reply that is not a 12-byte hello
 * or that picks a protocol that was not offered.
 */
export function parseHelloReply(frame: Uint8Array, requested: RequestedProtocol): HelloResult {
  if (frame.length !== HELLO_FRAME_BYTES) {
    throw malformedHello(`a hello reply is ${HELLO_FRAME_BYTES} bytes, got ${frame.length}`, {
      frameBytes: frame.length,
    });
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const payloadBytes = view.getUint32(0, true);
  if (payloadBytes !== HELLO_PAYLOAD_BYTES) {
    throw malformedHello(
      `a hello reply carries ${HELLO_PAYLOAD_BYTES} bytes, its header says ${payloadBytes}`,
      {
        payloadBytes,
      },
    );
  }
  const version = view.getUint32(4, true);
  const replied = view.getUint32(8, true);
  if (version === 0) {
    throw new ProtocolError(
      `the server does not speak hello version ${HELLO_VERSION} (it replied version 0): protocol version mismatch`,
      { code: 'CONN_APERTUREDB_VERSION_MISMATCH', details: { requestedVersion: HELLO_VERSION, version } },
    );
  }
  const offered = ProtocolFlag[requested];
  if (replied === 0) throw rejected(requested, replied, rejectionHint(requested));
  if (requested === 'tls' && (replied & ProtocolFlag.tls) === 0) {
    throw rejected(requested, replied, 'the server did not agree to TLS, which was required');
  }
  if ((replied & ~offered) !== 0) {
    throw malformedHello(
      `the server picked protocol ${replied}, which was not offered (offered ${offered})`,
      {
        requested,
        replied,
      },
    );
  }
  return { protocol: (replied & ProtocolFlag.tls) !== 0 ? 'tls' : 'tcp' };
}

/**
 * A codec to read the hello reply with core's `readFrame`: it accepts nothing longer than a hello,
 * so a peer that is not ApertureDB (an HTTP or TLS server) fails at once with `CONN_FRAME_TOO_LARGE`
 * instead of making us wait for gigabytes, and decodes with {@link parseHelloReply}.
 */
export function helloReplyCodec(requested: RequestedProtocol): FrameCodec<never, HelloResult> {
  return {
    maxFrameBytes: HELLO_FRAME_BYTES,
    frameLength: (buffered) => (buffered.length < 4 ? undefined : 4 + buffered.readUInt32LE(0)),
    decode: (frame) => parseHelloReply(frame, requested),
    encode: () => {
      throw new TypeError('helloReplyCodec only decodes; send encodeHello(protocol)');
    },
  };
}

function rejectionHint(requested: RequestedProtocol): string {
  if (requested === 'tcp') {
    return 'a server with force_ssl (the default) accepts TLS only: enable TLS';
  }
  if (requested === 'tls') return 'the server does not allow TLS';
  return 'the server allows neither cleartext TCP nor TLS';
}

function rejected(requested: RequestedProtocol, replied: number, hint: string): ProtocolError {
  return new ProtocolError(`the server rejected the protocol asked for (${requested}): ${hint}`, {
    code: 'CONN_APERTUREDB_PROTOCOL_REJECTED',
    details: { requested, replied },
  });
}

function malformedHello(message: string, details: Record<string, string | number>): ProtocolError {
  return new ProtocolError(message, { code: 'CONN_APERTUREDB_MALFORMED_HELLO', details });
}
