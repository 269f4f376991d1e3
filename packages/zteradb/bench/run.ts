// `pnpm bench` in @conn/zteradb: the driver against a bare socket client streaming a large select
// from the test server, then a pooled client against one connection per query. The test server
// runs in a child process. It prints ratios with PASS/MISS against the targets and exits
// 0 either way (it is a measurement); it exits 1 only when a section fails.
import { poolSection } from './pool-section.js';
import { printEnvironment, printError } from './report.js';
import { startServerProcess } from './server-process.js';
import { streamSection } from './stream-section.js';

const SECTIONS = [
  ['stream', streamSection],
  ['pool', poolSection],
] as const;

const started = performance.now();
console.log('ZTeraDB driver benchmark');
printEnvironment();
const server = await startServerProcess();
console.log(`test server ready in ${((performance.now() - started) / 1000).toFixed(1)} s (child process)`);
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
