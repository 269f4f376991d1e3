/**
 * What most adapters give as `withPassword` and `withAddress`: the same URL with one part swapped.
 * `URL` keeps the driver's scheme and the percent-encoding of the other parts as given.
 */

/** `url` with its password set to `password` (percent-encoded). */
export function urlWithPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** `url` pointing at `host:port`. */
export function urlWithAddress(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}

/** The channels of core's pool events for a driver whose pool is named after its package. */
export function poolEventChannels(packageName: string): string[] {
  return [
    'create',
    'create-error',
    'acquire',
    'acquire-error',
    'release',
    'destroy',
    'error',
    'clear',
    'close',
  ].map((event) => `conn:${packageName}:pool:${event}`);
}
