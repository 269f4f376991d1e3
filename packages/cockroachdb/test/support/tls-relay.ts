// A TLS front for the test PostgreSQL (which runs without TLS): answers the client's SSLRequest
// with 'S', terminates TLS with the committed test certificates, and relays the decrypted
// protocol to the real server. A client that starts without SSLRequest is relayed in plain text.
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../../../core/test/fixtures/tls/${name}`, import.meta.url));

/** The test CA and the server certificate it signed (for 127.0.0.1 and localhost). */
export const tlsFixtures: { ca: Buffer; cert: Buffer; key: Buffer; caPath: string } = {
  ca: fixture('ca.pem'),
  cert: fixture('server.pem'),
  key: fixture('server-key.pem'),
  caPath: new URL('../../../core/test/fixtures/tls/ca.pem', import.meta.url).pathname,
};

const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

export interface TlsRelay extends AsyncDisposable {
  readonly port: number;
  /** Connections that completed a TLS handshake. */
  readonly tlsSessions: () => number;
}

export async function startTlsRelay(upstream: { host: string; port: number }): Promise<TlsRelay> {
  const sockets = new Set<Socket>();
  let tlsSessions = 0;
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const relay = (client: Socket, head: Buffer): void => {
    const server = track(connect(upstream.port, upstream.host));
    if (head.length > 0) server.write(head);
    client.pipe(server).pipe(client);
    client.once('close', () => server.destroy());
    server.once('close', () => client.destroy());
  };
  const listener: Server = createServer((raw) => {
    track(raw);
    raw.once('readable', function first() {
      const head: Buffer | null = raw.read(8);
      if (head === null) {
        raw.once('readable', first);
        return;
      }
      if (!head.equals(SSL_REQUEST)) {
        relay(raw, head);
        return;
      }
      raw.write('S');
      const secure = track(
        new TLSSocket(raw, { isServer: true, cert: tlsFixtures.cert, key: tlsFixtures.key }) as Socket,
      );
      secure.once('secure', () => {
        tlsSessions++;
        relay(secure, Buffer.alloc(0));
      });
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    tlsSessions: () => tlsSessions,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
