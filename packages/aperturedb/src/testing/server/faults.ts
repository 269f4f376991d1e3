/**
 * Faults the ApertureDB test server can inject into requests (never into the hello).
 * @internal
 */

/** How many requests a fault hits; default `Infinity`. */
interface ApertureDBFaultCount {
  readonly times?: number;
}

/**
 * A fault for {@link ApertureDBTestServer.fault}; each hits the next `times` requests, on any
 * connection:
 *
 * - `'drop-after-frames'`: answer `frames` requests of that connection normally (the one hit
 *   first), then destroy the socket; with 0, destroy it at once without executing the request;
 * - `'stall'`: leave the request unanswered and hold every later request of that connection until
 *   `clearFaults()`, which answers the held ones in order;
 * - `'delay'`: answer after `ms` milliseconds (the timer dies with the connection);
 * - `'drop-request'`: close the socket right after reading the request, without executing it;
 * - `'drop-after-execute'`: execute the request (its writes happen), then close the socket without
 *   answering: a write the client cannot know the outcome of.
 */
export type ApertureDBFault =
  | (ApertureDBFaultCount & { readonly kind: 'drop-after-frames'; readonly frames: number })
  | (ApertureDBFaultCount & { readonly kind: 'stall' })
  | (ApertureDBFaultCount & { readonly kind: 'delay'; readonly ms: number })
  | (ApertureDBFaultCount & { readonly kind: 'drop-request' })
  | (ApertureDBFaultCount & { readonly kind: 'drop-after-execute' });

/** @throws TypeError for an unknown kind or a bad number, naming it. */
export function checkFault(fault: ApertureDBFault): number {
  if (typeof fault !== 'object' || fault === null) throw new TypeError('ApertureDB fault must be an object');
  const times = fault.times ?? Number.POSITIVE_INFINITY;
  if (typeof times !== 'number' || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
    throw new TypeError(
      `ApertureDB fault times must be a positive integer or Infinity, got ${String(fault.times)}`,
    );
  }
  switch (fault.kind) {
    case 'stall':
    case 'drop-request':
    case 'drop-after-execute':
      return times;
    case 'drop-after-frames':
      if (!Number.isInteger(fault.frames) || fault.frames < 0) {
        throw new TypeError(
          `ApertureDB fault frames must be a non-negative integer, got ${String(fault.frames)}`,
        );
      }
      return times;
    case 'delay':
      if (typeof fault.ms !== 'number' || !Number.isFinite(fault.ms) || fault.ms < 0) {
        throw new TypeError(`ApertureDB fault ms must be a non-negative number, got ${String(fault.ms)}`);
      }
      return times;
    default:
      throw new TypeError(`unknown ApertureDB fault kind: ${String((fault as { kind?: unknown }).kind)}`);
  }
}

interface ActiveFault {
  readonly fault: ApertureDBFault;
  remaining: number;
}

/** The faults of one server, first added first used. */
export class FaultList {
  #faults: ActiveFault[] = [];

  add(fault: ApertureDBFault): void {
    const remaining = checkFault(fault);
    this.#faults.push({ fault: { ...fault }, remaining });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault hitting the next request, counting it; `undefined` when none is left. */
  take(): ApertureDBFault | undefined {
    const entry = this.#faults[0];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.shift();
    return entry.fault;
  }
}
