export type { FaultMode } from './fault-mode.js';
export { type FaultProxy, type FaultProxyOptions, startFaultProxy } from './fault-proxy.js';
export { isLoopbackHost } from './loopback.js';
