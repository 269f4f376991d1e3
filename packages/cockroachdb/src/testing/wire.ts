// Byte-level pieces of the PostgreSQL protocol the behaviour server needs: framing of both
// directions (with core's FrameReader) and the few backend messages it writes itself.
import { type FrameBoundaries, FrameReader, ProtocolError } from '@conn/core';

/** Codes of the untyped packets a client may send first. */
export const SSL_REQUEST_CODE = 80_877_103;
export const GSSENC_REQUEST_CODE = 80_877_104;
export const CANCEL_REQUEST_CODE = 80_877_102;

/** One typed protocol message: its type byte and the whole message bytes (type, length, body). */
export interface Message {
  readonly type: string;
  readonly bytes: Buffer;
  /** The body after the length. */
  readonly body: Buffer;
}

/** PostgreSQL refuses a startup packet longer than this. */
const MAX_STARTUP_BYTES = 10_000;
/** PostgreSQL's own ceiling for one message (1 GB), plus the type byte. */
const MAX_MESSAGE_BYTES = 0x4000_0000 + 1;

function badLength(what: string, length: number): never {
  throw new ProtocolError(`bad ${what} length ${length}`, { details: { length } });
}

/** The untyped first packets (SSLRequest, StartupMessage, CancelRequest): int32 length, itself included. */
const untypedPackets: FrameBoundaries = {
  maxFrameBytes: MAX_STARTUP_BYTES,
  frameLength(buffered) {
    if (buffered.length < 4) return undefined;
    const length = buffered.readInt32BE(0);
    return length < 8 ? badLength('startup packet', length) : length;
  },
};

/** Typed messages: a type byte, then an int32 length that counts itself and the body. */
const typedMessages: FrameBoundaries = {
  maxFrameBytes: MAX_MESSAGE_BYTES,
  frameLength(buffered) {
    if (buffered.length < 5) return undefined;
    const length = buffered.readInt32BE(1);
    return length < 4 ? badLength('message', length) : length + 1;
  },
};

/**
 * Cuts one direction of a connection into messages with core's `FrameReader`: untyped packets
 * first when `untypedFirst` (a client's side), typed messages from the first {@link next} on.
 */
export class MessageReader {
  private untyped: FrameReader | undefined;
  private readonly typed = new FrameReader(typedMessages);

  constructor(options: { readonly untypedFirst: boolean }) {
    if (options.untypedFirst) this.untyped = new FrameReader(untypedPackets);
  }

  push(chunk: Buffer): void {
    (this.untyped ?? this.typed).push(chunk);
  }

  /**
   * The next untyped packet (int32 length included), or undefined until it is complete.
   * @throws ProtocolError for a length no PostgreSQL client sends (the caller drops the connection).
   */
  nextUntyped(): Buffer | undefined {
    return this.untyped?.next();
  }

  /**
   * The next typed message, or undefined until it is complete. The first call ends the untyped
   * part and keeps the bytes after it.
   * @throws ProtocolError for a bad length (the caller drops the connection).
   */
  next(): Message | undefined {
    if (this.untyped !== undefined) {
      const rest = this.untyped.takeRemaining();
      this.untyped = undefined;
      this.typed.push(rest);
    }
    const bytes = this.typed.next();
    if (bytes === undefined) return undefined;
    return { type: String.fromCharCode(bytes[0] as number), bytes, body: bytes.subarray(5) };
  }
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const cstring = (text: string): Buffer => Buffer.from(`${text}\u0000`, 'utf8');

/** ErrorResponse with severity ERROR, the SQLSTATE and the message. */
export function errorResponse(sqlstate: string, text: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from('S'),
    cstring('ERROR'),
    Buffer.from('V'),
    cstring('ERROR'),
    Buffer.from('C'),
    cstring(sqlstate),
    Buffer.from('M'),
    cstring(text),
    Buffer.from([0]),
  ]);
  return message('E', fields);
}

/** ReadyForQuery with the transaction status (`I`, `T` or `E`). */
export function readyForQuery(status: string): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export function commandComplete(tag: string): Buffer {
  return message('C', cstring(tag));
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

/** Reads NUL-terminated strings from `body` starting at `offset`. */
export function readCString(body: Buffer, offset: number): { text: string; next: number } {
  const end = body.indexOf(0, offset);
  const stop = end === -1 ? body.length : end;
  return { text: body.toString('utf8', offset, stop), next: stop + 1 };
}

/** The parameters of a StartupMessage (after its length and version). */
export function startupParameters(packet: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  let offset = 8;
  while (offset < packet.length && packet[offset] !== 0) {
    const name = readCString(packet, offset);
    const value = readCString(packet, name.next);
    params.set(name.text, value.text);
    offset = value.next;
  }
  return params;
}

/** A StartupMessage with `params` (protocol 3.0). */
export function encodeStartup(params: ReadonlyMap<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of params) parts.push(cstring(name), cstring(value));
  parts.push(Buffer.from([0]));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196_608, 4);
  return Buffer.concat([header, body]);
}

/** A simple-protocol Query message. */
export function simpleQuery(text: string): Buffer {
  return message('Q', cstring(text));
}
