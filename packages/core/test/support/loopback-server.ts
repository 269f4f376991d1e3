// In-process test servers on 127.0.0.1, port 0. Every server started here is closed by closeServers(),
// which a test file calls after each test.
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { closed } from './settle.js';

export interface TestServer {
  readonly port: number;
  /** Resolves with the n-th accepted socket (0-based). */
  accepted(index?: number): Promise<Socket>;
  /** Destroys every accepted socket, waits for their 'close', then closes the server. */
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** Closes every server started since the last call. */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/**
 * Listens on 127.0.0.1:0 and tracks every accepted raw socket, so close() can destroy them. Works for
 * any net.Server, TLS servers included (it tracks the TCP sockets under the TLS ones).
 */
export async function listen(server: Server): Promise<TestServer> {
  const sockets: Socket[] = [];
  const waiters = new Map<number, (socket: Socket) => void>();
  server.on('connection', (socket: Socket) => {
    socket.on('error', () => {});
    sockets.push(socket);
    waiters.get(sockets.length - 1)?.(socket);
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const testServer: TestServer = {
    port: (server.address() as AddressInfo).port,
    accepted(index = 0) {
      const socket = sockets[index];
      if (socket !== undefined) return Promise.resolve(socket);
      return new Promise((resolve) => waiters.set(index, resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(sockets.map(closed));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(testServer);
  return testServer;
}

/**
 * A TCP server that hands each accepted socket to `onSocket` (after tracking it). By default it reads
 * and ignores everything, so it sees the client's FIN.
 */
export function startServer(
  onSocket: (socket: Socket) => void = (socket) => socket.resume(),
): Promise<TestServer> {
  const server = net.createServer();
  const listening = listen(server); // tracks each socket before onSocket sees it
  server.on('connection', onSocket);
  return listening;
}

/** A port nothing listens on: bound once, then released. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
