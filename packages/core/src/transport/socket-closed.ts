import type { Socket } from 'node:net';

/** Resolves once `socket` has emitted `'close'` (at once when it already has). @internal */
export function whenSocketClosed(socket: Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise<void>((resolve) => socket.once('close', () => resolve()));
}
