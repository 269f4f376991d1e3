// Byte-level pieces of the PostgreSQL protocol the behaviour server needs: framing of both
// directions and the few backend messages it writes itself.

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

/** Collects chunks and cuts typed messages (type byte + int32 length) out of them. */
export class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** The untyped first packet (int32 length included), or undefined until it is complete. */
  nextUntyped(): Buffer | undefined {
    if (this.buffer.length < 4) return undefined;
    const length = this.buffer.readInt32BE(0);
    if (length < 8 || length > 10_000) throw new Error(`bad startup packet length ${length}`);
    if (this.buffer.length < length) return undefined;
    const packet = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return packet;
  }

  next(): Message | undefined {
    if (this.buffer.length < 5) return undefined;
    const length = this.buffer.readInt32BE(1);
    if (length < 4) throw new Error(`bad message length ${length}`);
    if (this.buffer.length < length + 1) return undefined;
    const bytes = this.buffer.subarray(0, length + 1);
    this.buffer = this.buffer.subarray(length + 1);
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
