import type { ConnError, HostPoolStats } from '@conn/core';
import type { SiriDBHost } from './options.js';

/** State of one host, for monitoring. */
export interface HostStatus {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  /** An authenticated connection is open. */
  readonly connected: boolean;
  /** Sits out after a server error or a lost connection (`inactiveTimeMs`). */
  readonly inactive: boolean;
  /** Not connected, and a connection attempt is under way or scheduled. */
  readonly reconnecting: boolean;
  /** Requests of this client waiting for the host's answer. */
  readonly pendingRequests: number;
  /** The last failed connection attempt since the last success. */
  readonly lastError: ConnError | undefined;
}

/** Each host's status: from the host pool's stats once it exists, else "not connected yet". */
export function hostStatuses(
  hostlist: readonly SiriDBHost[],
  stats: HostPoolStats | undefined,
): HostStatus[] {
  return hostlist.map((spec, index) => {
    const host = stats?.hosts[index];
    // With a connection kept per host, a host without one is always connecting or waiting to.
    const connected = host !== undefined && host.pool.size > 0;
    return {
      host: spec.host,
      port: spec.port,
      weight: spec.weight ?? 1,
      backup: spec.backup ?? false,
      connected,
      inactive: host?.inactive ?? false,
      reconnecting: host !== undefined && stats?.closed === false && !connected,
      pendingRequests: host?.pool.sharedLeases ?? 0,
      lastError: host?.lastError,
    };
  });
}
