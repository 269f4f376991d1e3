/**
 * Faults the e6data test server can inject (`server.fault(spec)`, `server.clearFaults()`).
 * @internal
 */
import type { E6DataMethod } from './methods.js';

/** How many calls a fault hits; the default is given per kind. */
interface E6DataFaultCount {
  readonly times?: number;
}

/**
 * A fault for {@link E6DataTestServer.fault}. `method` is a key of the RPC table: the gRPC method
 * name for QueryEngineService, `clusterStatus` / `clusterResume` / `clusterSuspend` for
 * ClusterService.
 *
 * - `'stall'`: calls of `method` are never answered until `clearFaults()` (then they run) or
 *   `close()` (then their streams are destroyed). Default: every call.
 * - `'http-status'`: answer with HTTP `:status status` and no gRPC trailers (all methods when
 *   `method` is left out). Default: every call.
 * - `'grpc-error'`: answer with trailers `grpc-status: code`, `grpc-message: message`. Default: every call.
 * - `'drop-mid-batch'`: reset the HTTP/2 stream (RST_STREAM) of the first `getNextResultBatch` of a
 *   query that has already sent `afterBatches` batches. Default: once.
 * - `'malformed-chunk'`: same trigger; answer with garbage bytes as `resultBatch`. Default: once.
 * - `'expire-session'`: the next call that carries a session finds it expired (and it is then
 *   forgotten). Default: once.
 * - `'delay'`: answer calls of `method` after `ms` milliseconds. Default: every call.
 */
export type E6DataFault =
  | (E6DataFaultCount & { readonly kind: 'stall'; readonly method: E6DataMethod })
  | (E6DataFaultCount & {
      readonly kind: 'http-status';
      readonly method?: E6DataMethod;
      readonly status: number;
    })
  | (E6DataFaultCount & {
      readonly kind: 'grpc-error';
      readonly method: E6DataMethod;
      readonly code: number;
      readonly message: string;
    })
  | (E6DataFaultCount & { readonly kind: 'drop-mid-batch'; readonly afterBatches: number })
  | (E6DataFaultCount & { readonly kind: 'malformed-chunk'; readonly afterBatches: number })
  | (E6DataFaultCount & { readonly kind: 'expire-session' })
  | (E6DataFaultCount & { readonly kind: 'delay'; readonly method: E6DataMethod; readonly ms: number });

type Kind = E6DataFault['kind'];
type FaultOf<K extends Kind> = Extract<E6DataFault, { kind: K }>;

const ONCE_BY_DEFAULT: ReadonlySet<Kind> = new Set(['drop-mid-batch', 'malformed-chunk', 'expire-session']);

function checkCount(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`e6data fault ${name} must be an integer >= ${String(min)}, got ${String(value)}`);
  }
}

/** @throws TypeError for an unknown kind or a bad field, naming it. Returns how many calls it hits. */
export function checkFault(fault: E6DataFault): number {
  if (typeof fault !== 'object' || fault === null) throw new TypeError('e6data fault must be an object');
  const times = fault.times ?? (ONCE_BY_DEFAULT.has(fault.kind) ? 1 : Number.POSITIVE_INFINITY);
  if (!(times >= 1) || (Number.isFinite(times) && !Number.isInteger(times))) {
    throw new TypeError(`e6data fault times must be a positive integer or Infinity, got ${String(times)}`);
  }
  switch (fault.kind) {
    case 'stall':
    case 'expire-session':
      return times;
    case 'http-status':
      checkCount('status', fault.status, 100);
      return times;
    case 'grpc-error':
      checkCount('code', fault.code, 1);
      return times;
    case 'drop-mid-batch':
    case 'malformed-chunk':
      checkCount('afterBatches', fault.afterBatches, 0);
      return times;
    case 'delay':
      if (typeof fault.ms !== 'number' || !Number.isFinite(fault.ms) || fault.ms < 0) {
        throw new TypeError(`e6data fault ms must be a non-negative number, got ${String(fault.ms)}`);
      }
      return times;
    default:
      throw new TypeError(`unknown e6data fault kind: ${String((fault as { kind?: unknown }).kind)}`);
  }
}

interface ActiveFault {
  readonly fault: E6DataFault;
  remaining: number;
}

/** The faults of one server; the first added that matches a call is the one used. */
export class FaultList {
  #faults: ActiveFault[] = [];

  add(fault: E6DataFault): void {
    const remaining = checkFault(fault);
    this.#faults.push({ fault: { ...fault }, remaining });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first fault of `kind` for which `matches` holds, counted as used; `undefined` when none. */
  take<K extends Kind>(kind: K, matches: (fault: FaultOf<K>) => boolean): FaultOf<K> | undefined {
    const index = this.#faults.findIndex(
      (entry) => entry.fault.kind === kind && matches(entry.fault as FaultOf<K>),
    );
    const entry = this.#faults[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#faults.splice(index, 1);
    return entry.fault as FaultOf<K>;
  }
}
