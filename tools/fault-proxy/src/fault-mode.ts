/**
 * What the proxy does with traffic. `setMode` applies a mode to the connections already open and to
 * the ones accepted later.
 *
 * - `pass`: forward both ways (the default).
 * - `stall`: keep every socket, forward nothing either way. Bytes (and a FIN or reset) are held in
 *   order, not lost; they go out when the mode changes to one that forwards. New connections are
 *   accepted and connected upstream, so the server sees them.
 * - `blackhole`: new connections are accepted but never connected upstream. Open connections go silent
 *   for good: what either side sends is read and dropped, nothing is answered, and a later mode change
 *   does not bring them back (`stall` is the reversible one).
 * - `refuse`: new client sockets are reset as soon as they are accepted (a down server on a live port).
 *   Connections already open keep forwarding as in `pass`; call `resetAll()` to drop them too.
 * - `delay`: each chunk goes out no earlier than `ms` after it reached the proxy; order is kept. The
 *   delay is stamped on arrival, so a chunk that arrived under `delay` keeps it after a mode change.
 * - `cut-after`: from now on, forward `bytes` more bytes in `direction` (per connection, counted from
 *   `setMode` for open connections and from accept for new ones), then reset both sockets of that
 *   connection. The reset happens when a byte beyond the budget arrives: the receiver gets exactly
 *   `bytes` bytes, never the next one; a connection that sends exactly `bytes` stays up until it sends
 *   more. `upstream` is client to server, `downstream` server to client.
 */
export type FaultMode =
  | { kind: 'pass' }
  | { kind: 'stall' }
  | { kind: 'blackhole' }
  | { kind: 'refuse' }
  | { kind: 'delay'; ms: number }
  | { kind: 'cut-after'; bytes: number; direction: 'upstream' | 'downstream' };

/** Throws a TypeError or RangeError for a malformed mode; returns a frozen copy. */
export function checkedMode(mode: FaultMode): FaultMode {
  switch (mode?.kind) {
    case 'pass':
    case 'stall':
    case 'blackhole':
    case 'refuse':
      return Object.freeze({ kind: mode.kind });
    case 'delay':
      if (!Number.isFinite(mode.ms) || mode.ms < 0) {
        throw new RangeError(`delay ms must be a finite number >= 0, got ${String(mode.ms)}`);
      }
      return Object.freeze({ kind: 'delay', ms: mode.ms });
    case 'cut-after':
      if (!Number.isSafeInteger(mode.bytes) || mode.bytes < 0) {
        throw new RangeError(`cut-after bytes must be an integer >= 0, got ${String(mode.bytes)}`);
      }
      if (mode.direction !== 'upstream' && mode.direction !== 'downstream') {
        throw new TypeError(
          `cut-after direction must be 'upstream' or 'downstream', got ${String(mode.direction)}`,
        );
      }
      return Object.freeze({ kind: 'cut-after', bytes: mode.bytes, direction: mode.direction });
    default:
      throw new TypeError(`unknown fault mode ${JSON.stringify((mode as { kind?: unknown } | null)?.kind)}`);
  }
}
