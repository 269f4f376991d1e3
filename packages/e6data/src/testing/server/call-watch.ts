/**
 * The end of a call as the server's work sees it: the client abandoned it, or its `grpc-timeout`
 * deadline passed (docs/protocols/e6data.md, the test double).
 * @internal
 */
import type { ServerHttp2Stream } from 'node:http2';
import { parseGrpcTimeout } from './grpc-timeout.js';

/**
 * A signal that aborts when `stream` closes before an answer was sent (the client cancelled or
 * reset it) or when the deadline of `grpcTimeout` passes; then `onDeadline` answers first. The
 * deadline timer is kept in `timers` (cleared by the server's close) until the stream closes.
 */
export function watchCall(
  stream: ServerHttp2Stream,
  grpcTimeout: string | undefined,
  timers: Set<NodeJS.Timeout>,
  onDeadline: () => void,
): AbortSignal {
  const call = new AbortController();
  const timeoutMs = parseGrpcTimeout(grpcTimeout);
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined) {
    timer = setTimeout(() => {
      timers.delete(timer as NodeJS.Timeout);
      onDeadline();
      call.abort(new Error(`the call's deadline of ${String(timeoutMs)} ms passed`));
    }, timeoutMs);
    timers.add(timer);
  }
  stream.once('close', () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timers.delete(timer);
    }
    if (!stream.headersSent) call.abort(new Error('the client abandoned the call'));
  });
  return call.signal;
}
