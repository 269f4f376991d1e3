// Loopback echo server for call-path.bench.ts, run in its own process so that it does not share
// the client's event loop: every frame ([u32 LE length][payload]) is sent back as it came.
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let end = 0;
    while (pending.length - end >= 4) {
      const size = 4 + pending.readUInt32LE(end);
      if (pending.length - end < size) break;
      end += size;
    }
    if (end > 0) {
      socket.write(pending.subarray(0, end));
      pending = pending.subarray(end);
    }
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
