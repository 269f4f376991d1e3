// `pnpm bench` in @conn/siridb: the client against Debian's Python connector, and qpack against
// python3-qpack, in one run. Prints tables with ratios (ours / python: above 1 means faster).
import { type ClientBenchRow, runClientBench } from './client.bench.js';
import { formatQpackTable, runQpackBench } from './qpack.bench.js';

function formatClientTable(rows: readonly ClientBenchRow[]): string {
  const fmt = (n: number | null): string => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));
  const lines = [
    '| target | metric | @conn/siridb | python siridb-connector | ours/python |',
    '|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.target} | ${row.metric} | ${fmt(row.ours)} | ${fmt(row.python)} | ${row.ratio === null ? 'n/a' : `${row.ratio.toFixed(2)}x`} |`,
    ),
  ];
  return lines.join('\n');
}

const clientRows = await runClientBench();
console.log(`\nSiriDB client, Node ${process.version}\n`);
console.log(formatClientTable(clientRows));
const insert = clientRows.find(
  (row) =>
    row.target === 'test server' && row.metric.startsWith('insert') && row.metric.includes('sequential)'),
);
const concurrent = clientRows.find(
  (row) =>
    row.target === 'test server' && row.metric.startsWith('insert') && row.metric.includes('in flight'),
);
const query = clientRows.find((row) => row.target === 'test server' && row.metric.startsWith('sequential'));
if (insert?.ratio != null)
  console.log(
    `inserts: ${insert.ratio.toFixed(2)}x the Python client (target 2x): ${insert.ratio >= 2 ? 'PASS' : 'MISS'}`,
  );
if (concurrent?.ratio != null)
  console.log(
    `inserts, ${concurrent.metric.replace(/^insert points\/s, /, '')}: ${concurrent.ratio.toFixed(2)}x the Python client`,
  );
if (query?.ratio != null)
  console.log(
    `select round trips: ${query.ratio.toFixed(2)}x (target 1x): ${query.ratio >= 1 ? 'PASS' : 'MISS'}`,
  );

console.log('\nqpack (MB/s of qpack bytes)\n');
console.log(formatQpackTable(await runQpackBench()));
