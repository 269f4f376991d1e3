import type { ConnError } from '../errors/index.js';

/**
 * The same error, saying that the write it interrupted may have been executed by the server:
 * `details.mayHaveExecuted: true`, `retryable: false` (sending it again could apply it twice).
 * Every driver reports an uncertain write this way.
 */
export function withMayHaveExecuted(error: ConnError): ConnError {
  if (error.details['mayHaveExecuted'] === true && !error.retryable) return error;
  const ErrorClass = error.constructor as new (
    message: string,
    options: { code: ConnError['code']; cause: unknown; retryable: boolean; details: ConnError['details'] },
  ) => ConnError;
  // A message that already says so (a transport error of a sent request) is not told twice.
  const note = 'the request had been sent, so it may have been executed';
  const message = error.message.includes('may have been executed')
    ? error.message
    : `${error.message} (${note})`;
  return new ErrorClass(message, {
    code: error.code,
    cause: error.cause,
    retryable: false,
    details: { ...error.details, mayHaveExecuted: true },
  });
}
