export type {
  CallOptions,
  ConformanceAdapter,
  ConformanceClient,
  ConformanceErrors,
  ConformanceServer,
  ConnError,
} from './adapter.js';
export { describeConformance } from './describe-conformance.js';
export { poolEventChannels, urlWithAddress, urlWithPassword } from './url-edits.js';
