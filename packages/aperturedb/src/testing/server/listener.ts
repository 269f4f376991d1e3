/**
 * The test server's listener: always plain TCP on 127.0.0.1, because TLS starts only after the
 * cleartext hello, on the same socket (docs/protocols/aperturedb.md, handshake).
 * @internal
 */
import net, { type Server, type Socket } from 'node:net';
import { ConfigError } from '@conn/core';

/** TLS material of the test server (PEM text or Buffers), e.g. the committed test fixtures. */
export interface ApertureDBTestServerTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

export function createListener(onSocket: (socket: Socket) => void): Server {
  return net.createServer(onSocket);
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

/** @throws ConfigError when the key or certificate is neither PEM text nor a Buffer. */
export function checkTls(options: ApertureDBTestServerTls): void {
  for (const field of ['key', 'cert'] as const) {
    const value: unknown = options[field];
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new ConfigError(`ApertureDB test server: tls.${field} must be PEM text or a Buffer`, {
        field: `tls.${field}`,
      });
    }
  }
}
