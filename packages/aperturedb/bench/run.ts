// `pnpm bench` in @conn/aperturedb: the driver against a bare socket client on the same test
// server (GetStatus round trips, 1,000-command FindEntity transactions), blob throughput of 64 MiB
// blobs (test server and a replay peer), then `runParallel` against one query per entity. The
// servers run in a child process. It prints ratios with PASS/MISS against the targets and
// exits 0 either way (it is a measurement); it exits 1 only when a section fails.
import { runBench } from '@conn/bench-kit/run';
import { blobSection } from './blob-section.js';
import { parallelSection } from './parallel-section.js';
import { roundTripSection } from './round-trip-section.js';
import { startServerProcess } from './server-process.js';

await runBench({
  title: 'ApertureDB driver benchmark',
  readyMessage: 'test server ready and preloaded',
  startServer: startServerProcess,
  sections: [
    ['round trips', roundTripSection],
    ['blobs', blobSection],
    ['parallel', parallelSection],
  ],
});
