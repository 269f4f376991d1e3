import { setTimeout as delay } from 'node:timers/promises';
import { startLocalCluster, startStoppedServer, stopLocalClusterSync, stopServer } from './local-cluster.js';
import type { PgServerHandle, PgServerInfo } from './types.js';

function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/**
 * A real PostgreSQL for tests and benchmarks: `CONN_COCKROACHDB_URL` when set (used as is), otherwise
 * a throwaway cluster from the installed server binaries on a free 127.0.0.1 port. When neither can
 * be had, `availability.reason` says why in one line; it never throws for that.
 */
export async function startPgServer(options: { env?: NodeJS.ProcessEnv } = {}): Promise<PgServerHandle> {
  const env = options.env ?? process.env;
  const fromEnv = env['CONN_COCKROACHDB_URL'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const info: PgServerInfo = {
      url: fromEnv,
      redactedUrl: redact(fromEnv),
      source: 'env',
      canRestart: false,
      version: '',
    };
    return { availability: { available: true, info }, stop: async () => {} };
  }
  const started = await startLocalCluster(env);
  if ('reason' in started)
    return { availability: { available: false, reason: started.reason }, stop: async () => {} };
  let stopped = false;
  return {
    availability: { available: true, info: started.info },
    async stop() {
      if (stopped || started.info.local === undefined) return;
      stopped = true;
      stopLocalClusterSync(started.info.local);
    },
  };
}

/** Restarts a cluster this tool started (all sessions are cut), from any process. */
export async function restartPgServer(info: PgServerInfo, options: { downMs?: number } = {}): Promise<void> {
  const cluster = info.local;
  if (cluster === undefined) throw new Error(`cannot restart ${info.redactedUrl}: not started by this tool`);
  stopServer(cluster);
  if (options.downMs !== undefined && options.downMs > 0) await delay(options.downMs);
  startStoppedServer(cluster);
}

/** Stops a cluster this tool started, leaving its data for `startStoppedPgServer`. */
export async function stopPgServer(info: PgServerInfo): Promise<void> {
  if (info.local === undefined) throw new Error(`cannot stop ${info.redactedUrl}: not started by this tool`);
  stopServer(info.local);
}

/** Starts again a cluster stopped with `stopPgServer`. */
export async function startStoppedPgServer(info: PgServerInfo): Promise<void> {
  if (info.local === undefined) throw new Error(`cannot start ${info.redactedUrl}: not started by this tool`);
  startStoppedServer(info.local);
}
