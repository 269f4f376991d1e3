// Fault injection for the SiriDB test server.

/** Which requests a fault hits, and how many. */
interface SiriDBFaultTarget {
  /** Which requests the fault hits; default `'all'` (queries and inserts). */
  requests?: 'query' | 'insert' | 'all';
  /** How many requests the fault hits; default `Infinity`. */
  times?: number;
}

/**
 * A fault to inject into query and/or insert requests (never into auth, ping or service requests):
 *
 * - `'server-error'`: answer 67 `{"error_msg": …}` (default: the message a server in backup mode
 *   gives, `Server '127.0.0.1:9010' is not accepting the request because of having status: 9`);
 * - `'pool-error'`: answer 68 (default `At least one pool has no server available to process the request`);
 * - `'stall'`: never answer the request, and hold every later package of that connection (pings
 *   included) until `clearFaults()`, which then processes them in order;
 * - `'drop-mid-response'`: process the request, write part of the answer, then close the socket;
 * - `'reorder'`: answer normally, but send the answers of requests handled in the same turn of the
 *   server's event loop (pipelined requests) in reverse order (see `reorderedCount`).
 */
export type SiriDBFault =
  | (SiriDBFaultTarget & {
      kind: 'server-error' | 'pool-error';
      /** The `error_msg` of the answer. */
      message?: string;
    })
  | (SiriDBFaultTarget & { kind: 'stall' | 'drop-mid-response' | 'reorder' });

/** The default message of a `'server-error'` fault. */
export const DEFAULT_SERVER_ERROR =
  "Server '127.0.0.1:9010' is not accepting the request because of having status: 9";
/** The default message of a `'pool-error'` fault. */
export const DEFAULT_POOL_ERROR = 'At least one pool has no server available to process the request';

interface ActiveFault {
  readonly fault: Readonly<SiriDBFault>;
  remaining: number;
}

/** The faults of one server, in the order they were added. */
export class FaultList {
  #faults: ActiveFault[] = [];

  add(fault: SiriDBFault): void {
    const kinds = ['server-error', 'pool-error', 'stall', 'drop-mid-response', 'reorder'];
    if (!kinds.includes(fault.kind)) throw new TypeError(`unknown SiriDB fault kind: ${String(fault.kind)}`);
    const requests = fault.requests ?? 'all';
    if (!['query', 'insert', 'all'].includes(requests)) {
      throw new TypeError(`unknown SiriDB fault requests: ${String(fault.requests)}`);
    }
    const times = fault.times ?? Number.POSITIVE_INFINITY;
    if (!(times > 0)) throw new TypeError(`SiriDB fault times must be positive, got ${String(fault.times)}`);
    this.#faults.push({ fault: { ...fault, requests }, remaining: times });
  }

  clear(): void {
    this.#faults = [];
  }

  /** The first fault that hits a request of this kind, counting it; undefined when none does. */
  take(request: 'query' | 'insert'): Readonly<SiriDBFault> | undefined {
    for (const entry of this.#faults) {
      if (entry.fault.requests !== 'all' && entry.fault.requests !== request) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#faults = this.#faults.filter((other) => other !== entry);
      return entry.fault;
    }
    return undefined;
  }
}
