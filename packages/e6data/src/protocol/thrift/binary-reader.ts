import type { ProtocolError } from '@conn/core';
import { malformedChunk } from '../protocol-errors.js';
import { minimumValueBytes, ThriftType } from './type-codes.js';

/** Nested structs deeper than this are refused (a Chunk needs 4; the rest is headroom for skips). */
const MAX_DEPTH = 64;

// One decoder for every reader: creating TextDecoders per string would dominate wide results.
const UTF8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads Apache Thrift TBinaryProtocol values straight out of a byte array (docs/protocols/e6data.md
 * §6.2). Every read is bounds-checked; any malformed input throws a `ProtocolError` with code
 * `CONN_E6DATA_MALFORMED_CHUNK`, never a RangeError.
 */
export class ThriftBinaryReader {
  /** The position of the next byte to read. */
  offset: number;
  /** The id of the field whose header {@link readFieldType} read last. */
  fieldId = 0;
  /** The element type of the list whose header {@link readListHeader} read last. */
  listElementType = 0;
  /** The input (read-only by convention). */
  readonly bytes: Uint8Array;
  /** A DataView over {@link bytes}, for callers that read located lists straight from the input. */
  readonly view: DataView;
  private depth = 0;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** A `ProtocolError` for the current position. */
  error(what: string): ProtocolError {
    return malformedChunk(what, this.offset);
  }

  /** Moves past `count` bytes after checking they exist. */
  advance(count: number, what: string): number {
    const at = this.offset;
    if (count < 0 || count > this.bytes.length - at) throw this.error(`truncated ${what}`);
    this.offset = at + count;
    return at;
  }

  readI8(): number {
    return this.view.getInt8(this.advance(1, 'byte'));
  }

  readBool(): boolean {
    return this.bytes[this.advance(1, 'bool')] !== 0;
  }

  readI16(): number {
    return this.view.getInt16(this.advance(2, 'i16'));
  }

  readI32(): number {
    return this.view.getInt32(this.advance(4, 'i32'));
  }

  readI64(): bigint {
    return this.view.getBigInt64(this.advance(8, 'i64'));
  }

  /** An i64 as a number when it is a safe integer, else as a bigint (no BigInt made for small values). */
  readI64Auto(): number | bigint {
    const at = this.advance(8, 'i64');
    const value = this.view.getInt32(at) * 4_294_967_296 + this.view.getUint32(at + 4);
    // Exact whenever the result is within ±(2^53 − 1); larger magnitudes never round into that range.
    if (value >= -Number.MAX_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER) return value;
    return this.view.getBigInt64(at);
  }

  readDouble(): number {
    return this.view.getFloat64(this.advance(8, 'double'));
  }

  /** A length-prefixed binary value as a view into the input (no copy). */
  readBinary(): Uint8Array {
    const length = this.readI32();
    if (length < 0) throw this.error(`negative binary length ${length}`);
    const at = this.advance(length, 'binary');
    return this.bytes.subarray(at, at + length);
  }

  /** A length-prefixed string; invalid UTF-8 becomes U+FFFD as in the reference client. */
  readString(): string {
    const length = this.readI32();
    if (length < 0) throw this.error(`negative string length ${length}`);
    const at = this.advance(length, 'string');
    return length === 0 ? '' : UTF8.decode(this.bytes.subarray(at, at + length));
  }

  /** Reads a field header: returns its wire type (0 = STOP) and sets {@link fieldId}. */
  readFieldType(): number {
    const type = this.bytes[this.advance(1, 'field header')] as number;
    if (type !== ThriftType.STOP) this.fieldId = this.readI16();
    return type;
  }

  /**
   * Reads a list (or set) header: returns the element count and sets {@link listElementType}. The
   * count is checked against the bytes left so that no caller allocates for values that cannot exist.
   */
  readListHeader(): number {
    const elementType = this.readI8();
    const count = this.readI32();
    const size = minimumValueBytes(elementType);
    if (size < 0) throw this.error(`unknown list element type ${elementType}`);
    if (count < 0 || count * size > this.remaining) throw this.error(`list count ${count} exceeds the input`);
    this.listElementType = elementType;
    return count;
  }

  /** Reads a list header and checks that its elements have the `expected` wire type. */
  readListOf(expected: number, what: string): number {
    const count = this.readListHeader();
    if (count > 0 && this.listElementType !== expected) {
      throw this.error(`${what}: list of type ${this.listElementType}, expected ${expected}`);
    }
    return count;
  }

  /** Call before reading a nested struct's fields; pairs with {@link leaveStruct}. */
  enterStruct(): void {
    if (++this.depth > MAX_DEPTH) throw this.error('structs nested too deeply');
  }

  leaveStruct(): void {
    this.depth--;
  }

  /** Skips one value of wire type `type` (an unknown field). */
  skip(type: number): void {
    switch (type) {
      case ThriftType.BOOL:
      case ThriftType.BYTE:
        this.advance(1, 'byte');
        return;
      case ThriftType.I16:
        this.advance(2, 'i16');
        return;
      case ThriftType.I32:
        this.advance(4, 'i32');
        return;
      case ThriftType.DOUBLE:
      case ThriftType.I64:
        this.advance(8, 'i64');
        return;
      case ThriftType.STRING: {
        const length = this.readI32();
        if (length < 0) throw this.error(`negative string length ${length}`);
        this.advance(length, 'string');
        return;
      }
      case ThriftType.STRUCT:
        this.skipStruct();
        return;
      case ThriftType.MAP:
        this.skipMap();
        return;
      case ThriftType.SET:
      case ThriftType.LIST:
        this.skipList();
        return;
      default:
        throw this.error(`unknown wire type ${type}`);
    }
  }

  /** Skips the remaining fields of a struct up to and including its STOP. */
  skipStruct(): void {
    this.enterStruct();
    for (let type = this.readFieldType(); type !== ThriftType.STOP; type = this.readFieldType())
      this.skip(type);
    this.leaveStruct();
  }

  private skipList(): void {
    const count = this.readListHeader();
    const elementType = this.listElementType;
    const fixed = fixedSize(elementType);
    if (fixed > 0) {
      this.advance(count * fixed, 'list');
      return;
    }
    this.enterStruct();
    for (let i = 0; i < count; i++) this.skip(elementType);
    this.leaveStruct();
  }

  private skipMap(): void {
    const keyType = this.readI8();
    const valueType = this.readI8();
    const count = this.readI32();
    const keySize = minimumValueBytes(keyType);
    const valueSize = minimumValueBytes(valueType);
    if (keySize < 0 || valueSize < 0) throw this.error(`unknown map types ${keyType}/${valueType}`);
    if (count < 0 || count * (keySize + valueSize) > this.remaining) {
      throw this.error(`map count ${count} exceeds the input`);
    }
    this.enterStruct();
    for (let i = 0; i < count; i++) {
      this.skip(keyType);
      this.skip(valueType);
    }
    this.leaveStruct();
  }
}

/** The exact byte size of fixed-width types, 0 for the others. */
function fixedSize(type: number): number {
  switch (type) {
    case ThriftType.BOOL:
    case ThriftType.BYTE:
      return 1;
    case ThriftType.I16:
      return 2;
    case ThriftType.I32:
      return 4;
    case ThriftType.DOUBLE:
    case ThriftType.I64:
      return 8;
    default:
      return 0;
  }
}
