// `pnpm bench` in @conn/siridb: the client against Debian's Python connector and a bare socket
// (on the test server, and on real servers named by CONN_SIRIDB_BENCH_URLS / CONN_SIRIDB_URL),
// then qpack against python3-qpack. Each part prints as it goes; a failing part does not stop
// the others.
import { runClientBench } from './client.bench.js';
import { formatQpackStringVerdict, formatQpackTable, runQpackBench } from './qpack.bench.js';
import { printError } from './report.js';

const started = performance.now();
console.log(`SiriDB client benchmark, Node ${process.version}`);
await runClientBench();
try {
  console.log('\nqpack (MB/s of qpack bytes)\n');
  const rows = await runQpackBench();
  console.log(formatQpackTable(rows));
  const verdict = formatQpackStringVerdict(rows); // undefined without python3-qpack
  if (verdict !== undefined) console.log(verdict);
} catch (error) {
  printError('qpack benchmark failed', error);
}
console.log(`\n(all: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
