export type { ConformanceAdapter, ConformanceClient, ConformanceServer } from './adapter.js';
export { describeConformance } from './describe-conformance.js';
