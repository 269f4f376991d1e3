/** TBinaryProtocol wire type codes (docs/protocols/e6data.md §6.2). */
export const ThriftType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

/** One of the {@link ThriftType} codes. */
export type ThriftTypeCode = (typeof ThriftType)[keyof typeof ThriftType];

/**
 * The fewest bytes one value of `type` can take, or -1 for a code that is not a Thrift type. Lets a
 * reader reject a list count larger than the bytes left before it allocates anything.
 */
export function minimumValueBytes(type: number): number {
  switch (type) {
    case ThriftType.BOOL:
    case ThriftType.BYTE:
    case ThriftType.STRUCT: // at least its STOP byte
      return 1;
    case ThriftType.I16:
      return 2;
    case ThriftType.I32:
    case ThriftType.STRING:
      return 4;
    case ThriftType.DOUBLE:
    case ThriftType.I64:
      return 8;
    case ThriftType.SET:
    case ThriftType.LIST:
      return 5;
    case ThriftType.MAP:
      return 6;
    default:
      return -1;
  }
}
