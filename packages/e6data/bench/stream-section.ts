/**
 * Streaming a wide result (1,000,000 rows × 8 mixed columns, bench/wide-chunk.ts) through the
 * driver (`for await` over `client.stream()`: fetch, decode, assemble rows) against the bare
 * grpc-js client that only fetches the same batches (bench/bare-client.ts): target ≥ 0.7x of that
 * transfer-only floor. Both read from the test server with the replay engine in a child process.
 */
import { figureTable } from '@conn/bench-kit/report';
import { runRounds } from '@conn/bench-kit/rounds';
import { medianOfRatios } from '@conn/bench-kit/stats';
import { BareE6DataClient } from './bare-client.js';
import type { ServerProcess } from './server-process.js';
import type { ShippedCode } from './shipped-bundle.js';
import { STREAM } from './spec.js';

const TARGET = 0.7;
const SQL = 'SELECT * FROM wide';
const table = figureTable([64, 26, 7, 12, 4]);

interface Sample {
  readonly rowsPerSecond: number;
  readonly clientCpuSeconds: number;
  /** The JS heap at its highest sample during the round (every 100,000 rows), MiB. */
  readonly peakHeapMiB: number;
}

/** One full read of the result; `run` resolves with the rows read and the highest heap it saw. */
async function measure(run: () => Promise<{ rows: number; peakHeap: number }>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { rows, peakHeap } = await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (rows !== STREAM.rows) throw new Error(`expected ${STREAM.rows} rows, got ${rows}`);
  return {
    rowsPerSecond: rows / seconds,
    clientCpuSeconds: (used.user + used.system) / 1e6,
    peakHeapMiB: peakHeap / 2 ** 20,
  };
}

export async function streamSection(server: ServerProcess, code: ShippedCode): Promise<void> {
  await using driver = code.E6DataClient.fromUrl(server.url, { timeoutMs: 120_000 });
  const bare = new BareE6DataClient(server.url);
  try {
    table.printHeader(
      `streaming: ${STREAM.rows.toLocaleString('en-US')} rows × 8 mixed columns in batches of ` +
        `${STREAM.batchRows.toLocaleString('en-US')} (${(server.bytes / 2 ** 20).toFixed(0)} MiB); ${STREAM.rounds} rounds`,
    );
    const samples = await runRounds(
      {
        driver: () =>
          measure(async () => {
            let rows = 0;
            let peakHeap = 0;
            for await (const row of driver.stream(SQL)) {
              if (row !== undefined) rows++;
              if (rows % 100_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
            }
            return { rows, peakHeap };
          }),
        bare: () =>
          measure(async () => {
            const bytes = await bare.fetchAll(SQL);
            if (bytes !== server.bytes) throw new Error(`expected ${server.bytes} bytes, got ${bytes}`);
            return { rows: STREAM.rows, peakHeap: process.memoryUsage().heapUsed };
          }),
      },
      STREAM.rounds,
    );
    const rates = (name: 'driver' | 'bare'): number[] => samples[name].map((sample) => sample.rowsPerSecond);
    table.printFigure('rows/s, driver (for await over client.stream())', rates('driver'));
    table.printFigure('rows/s, bare grpc-js client fetching the same batches', rates('bare'));
    table.printRatio(
      'driver/bare rows/s (median of per-round ratios)',
      medianOfRatios(rates('driver'), rates('bare')),
      1,
      TARGET,
    );
    const cpuPerMillion = (name: 'driver' | 'bare'): number[] =>
      samples[name].map((sample) => (sample.clientCpuSeconds / STREAM.rows) * 1e6);
    table.printFigure('client CPU seconds per million rows, driver', cpuPerMillion('driver'));
    table.printFigure('client CPU seconds per million rows, bare', cpuPerMillion('bare'));
    table.printFigure(
      'driver JS heap at its peak while streaming, MiB',
      samples.driver.map((sample) => sample.peakHeapMiB),
    );
  } finally {
    bare.close();
  }
}
