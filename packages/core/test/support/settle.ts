// Waiting on events instead of time: a socket's 'close', a promise's rejection, a signal a test fires.
import type { Socket } from 'node:net';
import type { ConnError } from '../../src/errors/index.js';

/** Resolves once the socket has emitted 'close' (at once if it already has). */
export function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** The error `promise` rejects with; throws if it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<ConnError> {
  try {
    await promise;
  } catch (error) {
    return error as ConnError;
  }
  throw new Error('expected a rejection');
}

/** A promise with its resolve function, to wait on events instead of time. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets the event loop run I/O a few times: a slow consumer. */
export async function yieldToIo(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
