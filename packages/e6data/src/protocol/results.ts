// The pure result codecs (docs/protocols/e6data.md §6).
export {
  type ChunkSlices,
  type DecodedChunk,
  decodeChunk,
  MAX_CHUNK_ROWS,
  openChunk,
} from './chunk-decoder.js';
export { type EncodableVector, encodeChunk, type VectorData } from './chunk-encoder.js';
export {
  decodeResultMetadata,
  encodeResultMetadata,
  type ResultColumn,
  type ResultMetadata,
} from './metadata.js';
export { malformedChunk, malformedMetadata, unsupportedType } from './protocol-errors.js';
export { ThriftBinaryReader } from './thrift/binary-reader.js';
export { ThriftBinaryWriter } from './thrift/binary-writer.js';
export { ThriftType, type ThriftTypeCode } from './thrift/type-codes.js';
export type { ValueOptions } from './value-options.js';
export { decimalFromBytes, formatDate, formatDateTime, formatTimestampTz } from './values/index.js';
export { VectorType, type VectorTypeCode, vectorTypeName } from './vector-type.js';
