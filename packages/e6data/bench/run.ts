// `pnpm bench` for @conn/e6data: streaming a wide result through the driver against a bare grpc-js
// client fetching the same batches (test server in a child process), then our Thrift decoding
// against the `thrift` library's TBinaryProtocol reading the same chunks. Prints ratios with
// PASS/MISS against the targets; exits 1 only when a section fails.
import { runBench } from '@conn/bench-kit/run';
import { startServerProcess } from './server-process.js';
import { loadShipped } from './shipped-bundle.js';
import { streamSection } from './stream-section.js';
import { thriftSection } from './thrift-section.js';

// The driver and decoders as bundled for publishing (bench/shipped.ts says why).
const code = await loadShipped();

await runBench({
  title: '@conn/e6data bench',
  readyMessage: 'test server (replay engine) ready',
  startServer: startServerProcess,
  sections: [
    ['streaming', (server) => streamSection(server, code)],
    ['thrift decoding', () => thriftSection(code)],
  ],
});
