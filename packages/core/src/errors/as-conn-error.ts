import { ConnError, isConnError } from './conn-error.js';

/**
 * The error as a `ConnError`: itself when it already is one (from any installed copy of core),
 * otherwise a `ConnError` of code `CONN_UNEXPECTED` (not retryable) that keeps it as `cause`.
 * The one place where an unknown failure becomes a typed one.
 */
export function asConnError(error: unknown, what = 'operation'): ConnError {
  if (isConnError(error)) return error;
  return new ConnError(`${what} failed unexpectedly`, {
    code: 'CONN_UNEXPECTED',
    cause: error,
    retryable: false,
  });
}
