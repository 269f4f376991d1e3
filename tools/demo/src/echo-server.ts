// A tiny loopback server for the core demo: 4-byte big-endian length-prefixed JSON frames,
// answers {"upper": <text in capitals>, "served": <n>} after a short, random think time.
import net from 'node:net';
import { FrameReader, lengthPrefixedCodec } from '@conn/core';

export interface EchoServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const codec = lengthPrefixedCodec({ endian: 'be', maxFrameBytes: 1024 * 1024 });
  const sockets = new Set<net.Socket>();
  let served = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new FrameReader(codec);
    // One request at a time per connection, like ZTeraDB: answers keep the request order.
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
        const request = JSON.parse(codec.decode(frame).toString('utf8')) as { text: string };
        queue = queue.then(async () => {
          await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
          const answer = Buffer.from(JSON.stringify({ upper: request.text.toUpperCase(), served: ++served }));
          if (!socket.destroyed) socket.write(Buffer.concat([...[codec.encode(answer, undefined)].flat()]));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
