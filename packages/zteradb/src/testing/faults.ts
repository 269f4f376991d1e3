/**
 * Faults the ZTeraDB test server can inject into QUERY requests (never into CONNECT or CANCEL).
 * @internal
 */
import type { TestServerErrorName } from './error-codes.js';

/** How many QUERY requests a fault hits; default `Infinity`. */
interface ZTeraDBFaultCount {
  readonly times?: number;
}

/**
 * A fault for {@link ZTeraDBTestServer.fault}; each hits the next `times` QUERY requests:
 *
 * - `'stall'`: the query is never answered, and every later request of that connection is held
 *   until `clearFaults()`, which answers the held ones in order (CANCEL still closes at once);
 * - `'drop-after-frames'`: write the first `frames` frames of the real answer, then destroy the socket;
 * - `'malformed'`: answer with a frame whose length header is right but whose body is not JSON, and
 *   keep the socket open;
 * - `'slow-rows'`: write the real answer with `delayMs` between frames;
 * - `'server-error'`: answer with one error frame (`code`, default `'QUERY_ERROR'`, numbered from
 *   the server's code table) instead of the result.
 */
export type ZTeraDBFault =
  | (ZTeraDBFaultCount & { readonly kind: 'stall' })
  | (ZTeraDBFaultCount & { readonly kind: 'drop-after-frames'; readonly frames: number })
  | (ZTeraDBFaultCount & { readonly kind: 'malformed' })
  | (ZTeraDBFaultCount & { readonly kind: 'slow-rows'; readonly delayMs: number })
  | (ZTeraDBFaultCount & {
      readonly kind: 'server-error';
      readonly code?: ZTeraDBFaultErrorName;
      readonly message?: string;
    });

/** The response-code names a `'server-error'` fault may answer with. */
export type ZTeraDBFaultErrorName = TestServerErrorName;

/** The `data.zteradb_error` of a `'server-error'` fault without a `message`. */
export const DEFAULT_FAULT_MESSAGE = 'injected server error';

/** The body of a `'malformed'` answer: cut off in the middle of a JSON object. */
export const MALFORMED_BODY = '{"error":fa';

const ERROR_NAMES: readonly ZTeraDBFaultErrorName[] = [
  'CONNECT_ERROR',
  'TOKEN_EXPIRED',
  'QUERY_ERROR',
  'PARSE_QUERY_ERROR',
  'INVALID_SCHEMA',
  'FIELD_ERROR',
  'NO_ACCESS',
  'INVALID_REQUEST_TYPE_ERROR',
];

/** @throws TypeError for an unknown kind or a bad number, naming it. */
export function checkFault(fault: ZTeraDBFault): number {
  if (typeof fault !== 'object' || fault === null) throw new TypeError('ZTeraDB fault must be an object');
  const times = fault.times ?? Number.POSITIVE_INFINITY;
  if (typeof times !== 'number' || !(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
    throw new TypeError(
      `ZTeraDB fault times must be a positive integer or Infinity, got ${String(fault.times)}`,
    );
  }
  switch (fault.kind) {
    case 'stall':
    case 'malformed':
      return times;
    case 'drop-after-frames':
      if (!Number.isInteger(fault.frames) || fault.frames < 0) {
        throw new TypeError(
          `ZTeraDB fault frames must be a non-negative integer, got ${String(fault.frames)}`,
        );
      }
      return times;
    case 'slow-rows':
      if (typeof fault.delayMs !== 'number' || !Number.isFinite(fault.delayMs) || fault.delayMs < 0) {
        throw new TypeError(
          `ZTeraDB fault delayMs must be a non-negative number, got ${String(fault.delayMs)}`,
        );
      }
      return times;
    case 'server-error':
      if (fault.code !== undefined && !ERROR_NAMES.includes(fault.code)) {
        throw new TypeError(`unknown ZTeraDB fault code name: ${String(fault.code)}`);
      }
      if (fault.message !== undefined && typeof fault.message !== 'string') {
        throw new TypeError('ZTeraDB fault message must be a string');
      }
      return times;
    default:
      throw new TypeError(`unknown ZTeraDB fault kind: ${String((fault as { kind?: unknown }).kind)}`);
  }
}

interface ActiveFault {
  readonly fault: ZTeraDBFault;
  remaining: number;
}

/** The faults of one server, first added first used. */
export class FaultList {
  #faults: ActiveFault[] = [];

  add(fault: ZTeraDBFault): void {
    const remaining = checkFault(fault);
    this.#faults.push({ fault: { ...fault }, remaining });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The fault hitting the next QUERY, counting it; `undefined` when none is left. */
  take(): ZTeraDBFault | undefined {
    const entry = this.#faults[0];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.shift();
    return entry.fault;
  }
}
