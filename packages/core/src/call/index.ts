export { CallContext } from './call-context.js';
export { CallRunner, type CallRunnerOptions, type CallSpec } from './call-runner.js';
export { type CallTracePayload, type CallTracingChannel, callChannelName } from './call-trace.js';
export { withMayHaveExecuted } from './may-have-executed.js';
