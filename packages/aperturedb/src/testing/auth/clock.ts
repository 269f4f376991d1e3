/**
 * The time source of the in-memory server's session store. Tests inject a manual clock so that
 * token expiry happens when the test says so, never after a real wait.
 */
export interface Clock {
  /** Milliseconds since an arbitrary epoch; only differences matter. */
  now(): number;
}

/** Wall-clock time, the default outside tests. */
export const systemClock: Clock = { now: () => Date.now() };
