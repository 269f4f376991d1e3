/** The Thrift `VectorType` enum of a result vector (docs/protocols/e6data.md §6.2). */
export const VectorType = {
  BINARY: 0,
  BOOLEAN: 1,
  DOUBLE: 2,
  FLOAT: 3,
  INT96: 4,
  INTEGER: 5,
  LONG: 6,
  STRING: 7,
  DATE: 8,
  DATETIME: 9,
  TIMESTAMP: 10,
  STRUCT: 11,
  MAP: 12,
  ARRAY: 13,
  NULL: 14,
  TIMESTAMP_TZ: 15,
  DECIMAL128: 16,
} as const;

/** One of the {@link VectorType} codes. */
export type VectorTypeCode = (typeof VectorType)[keyof typeof VectorType];

const NAMES: readonly string[] = Object.keys(VectorType);

/** The enum name of a vector type code (`'LONG'` for 6), or `'UNKNOWN(<code>)'`. */
export function vectorTypeName(code: number): string {
  return NAMES[code] ?? `UNKNOWN(${code})`;
}
