// When no PostgreSQL server binaries are installed, the demo still talks the real wire protocol:
// PGlite (PostgreSQL compiled to WebAssembly) behind a small loopback socket. PGlite is a single
// session, so clients must use one connection at a time (pool max 1).
import { createServer, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80_877_103;

/** A loopback PostgreSQL endpoint backed by PGlite; close it when done. */
export interface EmbeddedPostgres extends AsyncDisposable {
  readonly url: string;
  readonly version: string;
}

/** Cuts complete messages out of the byte stream: PGlite must get whole messages. */
class Framer {
  private buffer = Buffer.alloc(0);
  private started = false;

  constructor(private readonly onSslRequest: () => void) {}

  push(chunk: Buffer): Buffer | undefined {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let end = 0;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length - end < 8) break;
        const length = this.buffer.readInt32BE(end);
        if (this.buffer.length - end < length) break;
        if (this.buffer.readInt32BE(end + 4) === SSL_REQUEST) {
          this.buffer = this.buffer.subarray(end + length);
          end = 0;
          this.onSslRequest();
          continue;
        }
        this.started = true;
        end += length;
        continue;
      }
      if (this.buffer.length - end < 5) break;
      const length = this.buffer.readInt32BE(end + 1);
      if (this.buffer.length - end < length + 1) break;
      end += length + 1;
    }
    if (end === 0) return undefined;
    const whole = this.buffer.subarray(0, end);
    this.buffer = this.buffer.subarray(end);
    return whole;
  }
}

export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const db = await PGlite.create();
  const version =
    (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '';
  const sockets = new Set<Socket>();
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const framer = new Framer(() => socket.write('N'));
    socket.on('data', (chunk) => {
      const messages = framer.push(chunk);
      if (messages === undefined) return;
      // One PGlite for everybody: requests run one after another.
      queue = queue.then(
        async () => {
          const answer = await db.execProtocolRaw(messages);
          if (!socket.destroyed) socket.write(answer);
        },
        () => {},
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    version,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      await db.close();
    },
  };
}
