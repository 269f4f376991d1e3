/**
 * The test server's listener: plain TCP, or TLS with a caller-given key and certificate; always on
 * 127.0.0.1.
 * @internal
 */
import net, { type Server, type Socket } from 'node:net';
import tls from 'node:tls';
import { ConfigError } from '@conn/core';

/** TLS material of the test server (PEM text or Buffers), e.g. the committed test fixtures. */
export interface ZTeraDBTestServerTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/**
 * A server calling `onSocket` for every accepted connection: with TLS, only once its handshake
 * succeeded (a client that fails the handshake is never a connection of the test server).
 */
export function createListener(
  options: ZTeraDBTestServerTls | undefined,
  onSocket: (socket: Socket) => void,
): Server {
  if (options === undefined) return net.createServer(onSocket);
  checkTls(options);
  const server = tls.createServer({ key: options.key, cert: options.cert }, onSocket);
  // A failed handshake (a plain client, an untrusted CA) only ends that socket.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return server;
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function checkTls(options: ZTeraDBTestServerTls): void {
  for (const field of ['key', 'cert'] as const) {
    const value: unknown = options[field];
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new ConfigError(`ZTeraDB test server: tls.${field} must be PEM text or a Buffer`, {
        field: `tls.${field}`,
      });
    }
  }
}
