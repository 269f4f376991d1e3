/**
 * Promises a test awaits until a server counter reaches a value: settled from the server's own
 * events (never by polling), rejected when the server closes or the caller aborts. The logic is
 * core's `CountWaiters`; this file names it for the ApertureDB test server.
 * @internal
 */
import { CountWaiters } from '@conn/core';

/** Options of the test server's `waitFor…` methods. */
export interface ApertureDBWaitOptions {
  /** Rejects the wait with an `AbortError` (cause = the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/** The open waits of one server. */
export class Waiters extends CountWaiters {
  constructor() {
    super('ApertureDB test server');
  }
}
