import { ThriftType } from './type-codes.js';

const UTF8 = new TextEncoder();

/**
 * Writes Apache Thrift TBinaryProtocol values into a growable buffer: the test server's and the
 * tests' way to produce result batches (docs/protocols/e6data.md §6.2).
 */
export class ThriftBinaryWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes room for `count` bytes; may replace `buffer` and `view`, so call it before reading them. */
  private reserve(count: number): number {
    const at = this.length;
    if (at + count > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, at + count));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + count;
    return at;
  }

  writeI8(value: number): this {
    const at = this.reserve(1);
    this.view.setInt8(at, value);
    return this;
  }

  writeBool(value: boolean): this {
    return this.writeI8(value ? 1 : 0);
  }

  writeI16(value: number): this {
    const at = this.reserve(2);
    this.view.setInt16(at, value);
    return this;
  }

  writeI32(value: number): this {
    const at = this.reserve(4);
    this.view.setInt32(at, value);
    return this;
  }

  writeI64(value: bigint): this {
    const at = this.reserve(8);
    this.view.setBigInt64(at, BigInt.asIntN(64, value));
    return this;
  }

  writeDouble(value: number): this {
    const at = this.reserve(8);
    this.view.setFloat64(at, value);
    return this;
  }

  /** A length-prefixed binary value. */
  writeBinary(value: Uint8Array): this {
    this.writeI32(value.length);
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  /** A length-prefixed UTF-8 string (or raw bytes). */
  writeString(value: string | Uint8Array): this {
    return this.writeBinary(typeof value === 'string' ? UTF8.encode(value) : value);
  }

  writeFieldHeader(type: number, id: number): this {
    return this.writeI8(type).writeI16(id);
  }

  /** Ends a struct. */
  writeStop(): this {
    return this.writeI8(ThriftType.STOP);
  }

  writeListHeader(elementType: number, count: number): this {
    return this.writeI8(elementType).writeI32(count);
  }

  /** Raw bytes, unframed (for tests that build malformed input). */
  writeRaw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
