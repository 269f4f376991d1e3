// A pool of framed connections over a loopback server: 200 requests from 50 concurrent callers
// share at most 4 sockets; the pool's stats are printed while they run and at the end.
import { connectSocket, FramedConnection, isConnError, lengthPrefixedCodec, Pool } from '@conn/core';
import { startEchoServer } from './echo-server.js';

type Connection = FramedConnection<Buffer, Buffer>;

export async function coreDemo(): Promise<void> {
  const server = await startEchoServer();
  const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1024 * 1024 });
  try {
    await using pool = new Pool<Connection>(
      {
        create: async (signal) => {
          const socket = await connectSocket({
            host: '127.0.0.1',
            port: server.port,
            signal,
            connectTimeoutMs: 2_000,
          });
          return new FramedConnection(socket, { codec, correlation: { mode: 'in-order' }, maxInFlight: 1 });
        },
        destroy: (connection) => connection.close(),
        isReusable: (connection) => connection.isOpen,
      },
      { name: 'demo', min: 1, max: 4, acquireTimeoutMs: 5_000 },
    );

    const ask = async (text: string): Promise<{ upper: string; served: number }> => {
      await using lease = await pool.acquire({ timeoutMs: 5_000 });
      const answer = await lease.resource.request(Buffer.from(JSON.stringify({ text })), {
        timeoutMs: 2_000,
      });
      return JSON.parse(answer.toString('utf8'));
    };

    const words = Array.from({ length: 200 }, (_, i) => `request number ${i}`);
    let next = 0;
    const results: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < words.length) {
        const word = words[next++] as string;
        results.push((await ask(word)).upper);
      }
    };
    const started = performance.now();
    const running = Promise.all(Array.from({ length: 50 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 20));
    console.log('pool while busy:', pool.stats());
    await running;
    const elapsed = performance.now() - started;
    console.log(`answered ${results.length} requests in ${elapsed.toFixed(0)} ms over at most 4 sockets`);
    console.log('first answers:', results.slice(0, 3));
    console.log('pool at rest:  ', pool.stats());

    try {
      await pool.acquire({ timeoutMs: 0, signal: AbortSignal.abort('demo: cancelled on purpose') });
    } catch (error) {
      if (isConnError(error)) console.log(`a cancelled acquire fails with ${error.name} (${error.code})`);
    }
  } finally {
    await server.close();
  }
}
