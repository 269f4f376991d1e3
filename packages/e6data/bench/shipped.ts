// What the benches measure, bundled the way tsup bundles the published package (one module scope).
// Run from source through tsx, every call across our modules goes through an export getter, which
// the published bundle does not have (5–6% of decoding time in a profile).
export { E6DataClient } from '../src/index.js';
export { decodeChunkUnformatted } from '../src/protocol/chunk-decoder.js';
export { decodeChunk } from '../src/protocol/results.js';
export { decimalFromBytes, formatDate, formatDateTime } from '../src/protocol/values/index.js';
