// A peer that completes the hello and then answers with random bytes or random frames: whatever it
// sends, a query settles with a typed ConnError (never a crash, an untyped error or a hang).
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApertureDBClient } from '../../src/client.js';
import { isConnError } from '../../src/index.js';
import { HELLO_FRAME_BYTES } from '../../src/protocol/index.js';
import { negotiateHello } from '../../src/testing/index.js';

/** What the peer sends once the client's first request arrives, and whether it then closes. */
interface Script {
  readonly chunks: readonly Uint8Array[];
  readonly close: boolean;
}

/** A frame whose length field may be right, wrong or huge, around a random payload. */
const frame = fc
  .tuple(fc.uint8Array({ maxLength: 256 }), fc.option(fc.nat({ max: 0xffff_ffff }), { nil: undefined }))
  .map(([payload, claimed]) => {
    const bytes = Buffer.alloc(4 + payload.length);
    bytes.writeUInt32LE(claimed ?? payload.length, 0);
    bytes.set(payload, 4);
    return new Uint8Array(bytes);
  });
const script: fc.Arbitrary<Script> = fc.record({
  chunks: fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), frame), { maxLength: 4 }),
  close: fc.boolean(),
});

let current: Script = { chunks: [], close: true };
const sockets = new Set<Socket>();
let peer: Server;

/** Answers a TCP hello, then plays `current` after the first bytes of a request. */
function onSocket(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  let pending = Buffer.alloc(0);
  let greeted = false;
  const played = current;
  socket.on('data', (chunk: Buffer) => {
    if (greeted) {
      for (const bytes of played.chunks) socket.write(bytes);
      if (played.close) socket.end();
      socket.removeAllListeners('data');
      return;
    }
    pending = Buffer.concat([pending, chunk]);
    if (pending.length < HELLO_FRAME_BYTES) return;
    const outcome = negotiateHello(pending.subarray(0, HELLO_FRAME_BYTES), 'tcp');
    socket.write(outcome.reply);
    greeted = true;
  });
}

beforeAll(async () => {
  peer = net.createServer(onSocket);
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => peer.close(() => resolve()));
});

describe('ApertureDBClient against random answers', () => {
  it('always settles with a typed ConnError', { timeout: 120_000 }, async () => {
    const port = (peer.address() as AddressInfo).port;
    await fc.assert(
      fc.asyncProperty(script, fc.boolean(), async (played, withPassword) => {
        current = played;
        // Without credentials the first request is the query itself; with them, the Authenticate.
        const client = new ApertureDBClient({
          host: '127.0.0.1',
          port,
          useSsl: false,
          ...(withPassword ? { user: 'admin', password: 'admin' } : {}),
          retryIntervalMs: 1,
        });
        try {
          const outcome = await client
            .query([{ FindEntity: { with_class: 'X' } }], [], { timeoutMs: 150 })
            .then(
              () => 'resolved',
              (error: unknown) => error,
            );
          expect(isConnError(outcome), `not a ConnError: ${String(outcome)}`).toBe(true);
        } finally {
          await client.close({ timeoutMs: 0 });
        }
      }),
      { numRuns: 100 },
    );
  });
});
