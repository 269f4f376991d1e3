/**
 * The server side of the cleartext hello (docs/protocols/aperturedb.md, handshake): a pure function
 * from the client's 12-byte hello and the allowed protocols to the 12-byte reply and what follows.
 * @internal
 */
import { HELLO_FRAME_BYTES, HELLO_VERSION, ProtocolFlag } from '../../protocol/index.js';

/** Which protocols a test server allows: cleartext only, TLS only, or either. */
export type ApertureDBAllowedProtocols = 'tcp' | 'tls' | 'any';

/** What the server does after reading a client's hello. */
export interface HelloOutcome {
  /** The 12-byte reply frame to write. */
  readonly reply: Buffer;
  /** `'close'`: close after writing the reply; otherwise stay in cleartext or upgrade to TLS. */
  readonly next: 'close' | 'tcp' | 'tls';
}

const HELLO_PAYLOAD_BYTES = HELLO_FRAME_BYTES - 4;

/**
 * The real server's logic: a version other than 1 gets `{0, 0}` and the connection closes;
 * otherwise the reply is `{1, requested & allowed}`, 0 closes, and the TLS bit wins.
 * A hello whose header does not announce 8 bytes is not a hello: the connection closes unanswered
 * (`reply` is empty).
 */
export function negotiateHello(hello: Buffer, allowed: ApertureDBAllowedProtocols): HelloOutcome {
  if (hello.length !== HELLO_FRAME_BYTES || hello.readUInt32LE(0) !== HELLO_PAYLOAD_BYTES) {
    return { reply: Buffer.alloc(0), next: 'close' };
  }
  const version = hello.readUInt32LE(4);
  if (version !== HELLO_VERSION) return { reply: helloReply(0, 0), next: 'close' };
  const agreed = hello.readUInt32LE(8) & ProtocolFlag[allowed];
  const next = (agreed & ProtocolFlag.tls) !== 0 ? 'tls' : agreed === 0 ? 'close' : 'tcp';
  return { reply: helloReply(HELLO_VERSION, agreed), next };
}

function helloReply(version: number, protocol: number): Buffer {
  const reply = Buffer.alloc(HELLO_FRAME_BYTES);
  reply.writeUInt32LE(HELLO_PAYLOAD_BYTES, 0);
  reply.writeUInt32LE(version, 4);
  reply.writeUInt32LE(protocol, 8);
  return reply;
}
