// `pnpm bench` in @conn/aperturedb: the driver against a bare socket client on the same test
// server (GetStatus round trips, 1,000-command FindEntity transactions), blob throughput of 64 MiB
// blobs (test server and a replay peer), then `runParallel` against one query per entity. The
// servers run in a child process. It prints ratios with PASS/MISS against the targets and
// exits 0 either way (it is a measurement); it exits 1 only when a section fails.
import { blobSection } from './blob-section.js';
import { parallelSection } from './parallel-section.js';
import { printEnvironment, printError } from './report.js';
import { roundTripSection } from './round-trip-section.js';
import { startServerProcess } from './server-process.js';

const SECTIONS = [
  ['round trips', roundTripSection],
  ['blobs', blobSection],
  ['parallel', parallelSection],
] as const;

const started = performance.now();
console.log('ApertureDB driver benchmark');
printEnvironment();
const server = await startServerProcess();
console.log(
  `test server ready and preloaded in ${((performance.now() - started) / 1000).toFixed(1)} s (child process)`,
);
try {
  for (const [name, section] of SECTIONS) {
    try {
      await section(server);
    } catch (error) {
      printError(`${name} benchmark failed`, error);
      process.exitCode = 1;
    }
  }
} finally {
  await server.stop();
}
console.log(`\n(all: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
