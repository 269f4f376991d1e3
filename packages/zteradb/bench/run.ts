// `pnpm bench` in @conn/zteradb: the driver against a bare socket client streaming a large select
// from the test server, then a pooled client against one connection per query. The test server
// runs in a child process. It prints ratios with PASS/MISS against the targets and exits
// 0 either way (it is a measurement); it exits 1 only when a section fails.
import { runBench } from '@conn/bench-kit/run';
import { poolSection } from './pool-section.js';
import { startServerProcess } from './server-process.js';
import { streamSection } from './stream-section.js';

await runBench({
  title: 'ZTeraDB driver benchmark',
  readyMessage: 'test server ready',
  startServer: startServerProcess,
  sections: [
    ['stream', streamSection],
    ['pool', poolSection],
  ],
});
