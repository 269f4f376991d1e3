import { malformedMetadata } from './protocol-errors.js';

/** One result column as the metadata describes it (docs/protocols/e6data.md §6.1). */
export interface ResultColumn {
  readonly name: string;
  /** The engine's type name, e.g. `LONG`, `DECIMAL128`. */
  readonly type: string;
  readonly zone: string;
  readonly format: string;
}

/** `GetResultMetadataResponse.resultMetaData`: total row count and the columns, in vector order. */
export interface ResultMetadata {
  readonly rowCount: bigint;
  readonly columns: readonly ResultColumn[];
}

/**
 * Decodes result metadata: Java `DataOutputStream` layout, big-endian, strings as uint16 length +
 * modified UTF-8 (plain UTF-8 is a subset of what is accepted).
 */
export function decodeResultMetadata(bytes: Uint8Array): ResultMetadata {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const take = (count: number, what: string): number => {
    if (count > bytes.length - offset) throw malformedMetadata(`truncated ${what}`, offset);
    const at = offset;
    offset += count;
    return at;
  };
  const readUtf = (what: string): string => {
    const length = view.getUint16(take(2, `${what} length`));
    const at = take(length, what);
    return decodeModifiedUtf8(bytes.subarray(at, at + length), at);
  };
  const rowCount = view.getBigInt64(take(8, 'rowCount'));
  const fieldCount = view.getInt32(take(4, 'fieldCount'));
  // Each column takes at least 8 bytes (four empty strings): reject counts the input cannot hold.
  if (fieldCount < 0 || fieldCount * 8 > bytes.length - offset) {
    throw malformedMetadata(`field count ${fieldCount} does not fit the input`, offset - 4);
  }
  const columns: ResultColumn[] = [];
  for (let i = 0; i < fieldCount; i++) {
    const name = readUtf('column name');
    const type = readUtf('column type');
    const zone = readUtf('column zone');
    const format = readUtf('column format');
    columns.push({ name, type, zone, format });
  }
  return { rowCount, columns };
}

/** Encodes result metadata the way the engine's Java writer does (`writeUTF`: modified UTF-8). */
export function encodeResultMetadata(metadata: ResultMetadata): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(12));
  head.setBigInt64(0, BigInt.asIntN(64, metadata.rowCount));
  head.setInt32(8, metadata.columns.length);
  parts.push(new Uint8Array(head.buffer));
  for (const column of metadata.columns) {
    for (const text of [column.name, column.type, column.zone, column.format]) {
      const encoded = encodeModifiedUtf8(text);
      if (encoded.length > 0xffff) throw malformedMetadata('string longer than 65535 bytes', 0);
      parts.push(new Uint8Array([encoded.length >> 8, encoded.length & 0xff]), encoded);
    }
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Java modified UTF-8: NUL as C0 80, characters beyond the BMP as two 3-byte surrogates. Decoding
 * into UTF-16 code units joins such surrogates naturally; 4-byte UTF-8 is accepted too.
 */
function decodeModifiedUtf8(bytes: Uint8Array, base: number): string {
  const units: number[] = [];
  let i = 0;
  const continuation = (): number => {
    const byte = bytes[i++];
    if (byte === undefined || (byte & 0xc0) !== 0x80) throw malformedMetadata('invalid UTF-8', base + i - 1);
    return byte & 0x3f;
  };
  while (i < bytes.length) {
    const lead = bytes[i++] as number;
    if (lead < 0x80) units.push(lead);
    else if ((lead & 0xe0) === 0xc0) units.push(((lead & 0x1f) << 6) | continuation());
    else if ((lead & 0xf0) === 0xe0)
      units.push(((lead & 0x0f) << 12) | (continuation() << 6) | continuation());
    else if ((lead & 0xf8) === 0xf0) {
      const point = ((lead & 0x07) << 18) | (continuation() << 12) | (continuation() << 6) | continuation();
      if (point > 0x10ffff || point < 0x10000) throw malformedMetadata('invalid UTF-8', base + i - 4);
      units.push(0xd800 + ((point - 0x10000) >> 10), 0xdc00 + ((point - 0x10000) & 0x3ff));
    } else throw malformedMetadata('invalid UTF-8', base + i - 1);
  }
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  return text;
}

function encodeModifiedUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 1 && unit < 0x80) out.push(unit);
    else if (unit < 0x800) out.push(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
    else out.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
  }
  return Uint8Array.from(out);
}
