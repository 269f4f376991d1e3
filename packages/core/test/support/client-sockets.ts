// Client sockets opened through connectSocket. Every one is destroyed by closeClients(), which a test
// file calls after each test.
import net, { type Socket } from 'node:net';
import type { ConnError } from '../../src/errors/index.js';
import { type ConnectOptions, connectSocket } from '../../src/transport/connect.js';
import { closed, rejection } from './settle.js';

const clients: Socket[] = [];

/** Destroys every client socket opened since the last call and waits for their 'close'. */
export async function closeClients(): Promise<void> {
  const sockets = clients.splice(0);
  for (const socket of sockets) socket.destroy();
  await Promise.all(sockets.map(closed));
}

/** connectSocket, with the socket closed after the test. */
export async function connect(options: ConnectOptions): Promise<Socket> {
  const socket = await connectSocket(options);
  clients.push(socket);
  return socket;
}

/** The error a connect attempt fails with; throws (closing the socket after the test) if it connects. */
export function failure(promise: Promise<unknown>): Promise<ConnError> {
  return rejection(
    promise.then((socket) => {
      if (socket instanceof net.Socket) clients.push(socket);
      return socket;
    }),
  );
}
