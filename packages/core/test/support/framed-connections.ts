// FramedConnections over loopback sockets. Every one is closed by closeConnections(), which a test file
// calls after each test.
import type { Socket } from 'node:net';
import type { ConnError } from '../../src/errors/index.js';
import { connectSocket } from '../../src/transport/connect.js';
import { FramedConnection, type FramedConnectionOptions } from '../../src/transport/framed-connection.js';

const connections: FramedConnection<unknown, unknown>[] = [];

/** Closes (timeout 0) every connection opened or tracked since the last call. */
export async function closeConnections(): Promise<void> {
  await Promise.all(connections.splice(0).map((connection) => connection.close({ timeoutMs: 0 })));
}

/** Closes `connection` after the test; returns it. */
export function track<Req, Res>(connection: FramedConnection<Req, Res>): FramedConnection<Req, Res> {
  connections.push(connection as FramedConnection<unknown, unknown>);
  return connection;
}

/** Connects to a test server on 127.0.0.1 and wraps the socket in a FramedConnection. */
export async function open<Req, Res>(
  server: { readonly port: number },
  options: FramedConnectionOptions<Req, Res>,
): Promise<{ connection: FramedConnection<Req, Res>; socket: Socket }> {
  const socket = await connectSocket({ host: '127.0.0.1', port: server.port });
  const connection = track(new FramedConnection(socket, options));
  return { connection, socket };
}

/** What a connection reported to onClose: how many calls, and the error of the last one. */
export interface CloseLog {
  readonly onClose: (error: ConnError | undefined) => void;
  readonly calls: number;
  readonly error: ConnError | undefined;
}

/** An onClose callback that records its calls. */
export function closeLog(): CloseLog {
  let calls = 0;
  let error: ConnError | undefined;
  return {
    onClose: (reported) => {
      calls += 1;
      error = reported;
    },
    get calls() {
      return calls;
    },
    get error() {
      return error;
    },
  };
}
