import { isIP } from 'node:net';

/** Where the proxy forwards to: a TCP server on this machine. */
export interface Target {
  readonly host: string;
  readonly port: number;
}

/** `::ffff:127.x.y.z` as the WHATWG URL parser prints it (`[::ffff:7fxx:yyzz]`). */
const MAPPED_IPV4_LOOPBACK = /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/;

/**
 * True for `localhost`, any IPv4 address in 127.0.0.0/8, and `::1` (in any spelling, including the
 * IPv4-mapped `::ffff:127.x.y.z`). Everything else, other names included, is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.split('.')[0] === '127';
  if (family !== 6) return false;
  let canonical: string;
  try {
    canonical = new URL(`http://[${host}]/`).hostname;
  } catch {
    return false; // zone ids (`::1%lo`) and the like
  }
  return canonical === '[::1]' || MAPPED_IPV4_LOOPBACK.test(canonical);
}

function assertPort(value: unknown, name: string, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65_535) {
    throw new RangeError(`${name} must be an integer from ${min} to 65535, got ${String(value)}`);
  }
}

/** Throws unless `target` is a loopback host with a valid port; returns a copy. */
export function loopbackTarget(target: Target): Target {
  if (typeof target !== 'object' || target === null) throw new TypeError('target must be { host, port }');
  const { host, port } = target;
  if (typeof host !== 'string' || !isLoopbackHost(host)) {
    throw new Error(
      `fault proxy target must be a loopback address (127.0.0.0/8, ::1 or localhost), got ${JSON.stringify(host)}`,
    );
  }
  assertPort(port, 'target.port', 1);
  return { host, port };
}

/** Throws unless `port` can be listened on (0 picks a free port). */
export function assertListenPort(port: number): void {
  assertPort(port, 'listenPort', 0);
}
