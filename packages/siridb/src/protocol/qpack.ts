export { decodeQpack, type QpackDecodeOptions } from './qpack-decode.js';
export { encodeQpack, type QpackEncodeOptions, type QpackInput } from './qpack-encode.js';
export { QpackFloat, qpackFloat } from './qpack-float.js';
