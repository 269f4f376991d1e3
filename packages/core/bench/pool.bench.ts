/**
 * acquire + release throughput and latency of `@conn/core`'s Pool against tarn and generic-pool,
 * in the same process, with the same settings: max 10, min 0, trivial resources, no validation,
 * 30 s acquire timeout. Each (pool, concurrency) pair runs a warm-up, then ROUNDS timed rounds in
 * rotating order; the table shows the median of the rounds.
 *
 * A second table measures shared leases (`acquire({ shared: true })`, capacity 16) of our pool
 * alone, with both sharing policies and with `lingerShared`: the per-request lending cost of
 * multiplexed and pipelined connections.
 *
 * Run: `npx tsx bench/pool.bench.ts` from packages/core (about 30 s).
 * Optional env: BENCH_ROUNDS (default 7), BENCH_ROUND_MS (default 250).
 */
import genericPool from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { Pool, type PoolOptions } from '../src/pool/index.js';

const MAX = 10;
const ACQUIRE_TIMEOUT_MS = 30_000;
const CONCURRENCIES = [1, 64] as const;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 250);
const TARGET_RATIO = 1.5;

interface Resource {
  readonly id: number;
}

let nextId = 0;
const makeResource = async (): Promise<Resource> => ({ id: nextId++ });

/** One round's raw numbers. */
interface RoundResult {
  ops: number;
  elapsedMs: number;
  latencies: Float64Array;
}

/** Shared by the workers of one round. */
class Recorder {
  ops = 0;
  latencies = new Float64Array(1 << 20);

  constructor(readonly endAt: number) {}

  record(latencyMs: number): void {
    if (this.ops === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2);
      bigger.set(this.latencies);
      this.latencies = bigger;
    }
    this.latencies[this.ops++] = latencyMs;
  }
}

/** A contender: how to build it, one worker loop, and how to shut it down. */
interface Contender {
  readonly name: string;
  worker(recorder: Recorder): Promise<void>;
  close(): Promise<void>;
}

function ours(): Contender {
  const pool = new Pool<Resource>({ create: makeResource, destroy: () => {} }, { max: MAX, min: 0 });
  return {
    name: '@conn/core Pool',
    async worker(recorder) {
      for (;;) {
        const start = performance.now();
        const lease = await pool.acquire();
        lease.release();
        const end = performance.now();
        recorder.record(end - start);
        if (end >= recorder.endAt) return;
      }
    },
    close: () => pool.close(),
  };
}

/** Shared leases of our pool: what a multiplexing or pipelining driver pays per request. */
function oursShared(label: string, options: PoolOptions): Contender {
  const pool = new Pool<Resource>(
    { create: makeResource, destroy: () => {} },
    { max: MAX, min: 0, capacity: 16, ...options },
  );
  const shared = { shared: true };
  return {
    name: `shared ${label}`,
    async worker(recorder) {
      for (;;) {
        const start = performance.now();
        const lease = await pool.acquire(shared);
        lease.release();
        const end = performance.now();
        recorder.record(end - start);
        if (end >= recorder.endAt) return;
      }
    },
    close: () => pool.close(),
  };
}

function tarn(): Contender {
  const pool = new TarnPool<Resource>({
    create: makeResource,
    destroy: () => {},
    min: 0,
    max: MAX,
    acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS,
  });
  return {
    name: 'tarn 3.1.2',
    async worker(recorder) {
      for (;;) {
        const start = performance.now();
        const resource = await pool.acquire().promise;
        pool.release(resource);
        const end = performance.now();
        recorder.record(end - start);
        if (end >= recorder.endAt) return;
      }
    },
    close: async () => {
      await pool.destroy();
    },
  };
}

function generic(): Contender {
  const pool = genericPool.createPool<Resource>(
    { create: makeResource, destroy: async () => {} },
    { max: MAX, min: 0, acquireTimeoutMillis: ACQUIRE_TIMEOUT_MS, testOnBorrow: false },
  );
  return {
    name: 'generic-pool 3.9.0',
    async worker(recorder) {
      for (;;) {
        const start = performance.now();
        const resource = await pool.acquire();
        void pool.release(resource);
        const end = performance.now();
        recorder.record(end - start);
        if (end >= recorder.endAt) return;
      }
    },
    close: async () => {
      await pool.drain();
      await pool.clear();
    },
  };
}

async function runRound(contender: Contender, concurrency: number, durationMs: number): Promise<RoundResult> {
  const start = performance.now();
  const recorder = new Recorder(start + durationMs);
  const workers: Promise<void>[] = [];
  for (let i = 0; i < concurrency; i++) workers.push(contender.worker(recorder));
  await Promise.all(workers);
  const elapsedMs = performance.now() - start;
  return { ops: recorder.ops, elapsedMs, latencies: recorder.latencies.subarray(0, recorder.ops) };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Lets pending timers/immediates run between rounds so rounds don't overlap. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Summary {
  name: string;
  concurrency: number;
  opsPerSec: number;
  p99Us: number;
}

async function benchConcurrency(concurrency: number, contenders: Contender[]): Promise<Summary[]> {
  const results = new Map<string, { opsPerSec: number[]; p99Us: number[] }>();
  for (const contender of contenders) {
    results.set(contender.name, { opsPerSec: [], p99Us: [] });
    await runRound(contender, concurrency, ROUND_MS); // warm-up: JIT and the pool's resources
    await settle();
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no contender always runs right after another one's garbage.
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length] as Contender;
      const result = await runRound(contender, concurrency, ROUND_MS);
      const entry = results.get(contender.name) as { opsPerSec: number[]; p99Us: number[] };
      entry.opsPerSec.push((result.ops / result.elapsedMs) * 1000);
      entry.p99Us.push(percentile(result.latencies.sort(), 99) * 1000);
      await settle();
    }
  }
  for (const contender of contenders) await contender.close();
  return contenders.map((contender) => {
    const entry = results.get(contender.name) as { opsPerSec: number[]; p99Us: number[] };
    return {
      name: contender.name,
      concurrency,
      opsPerSec: median(entry.opsPerSec),
      p99Us: median(entry.p99Us),
    };
  });
}

function formatRatio(value: number): string {
  return `${value.toFixed(2)}x`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  console.log(
    `acquire+release, max ${MAX}, ${ROUNDS} rounds x ${ROUND_MS} ms per pool and concurrency (median), Node ${process.version}\n`,
  );
  const header = ['concurrency', 'pool', 'ops/s', 'p99 (us)', 'ops/s ours/peer', 'p99 ours/peer'];
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const concurrency of CONCURRENCIES) {
    const summaries = await benchConcurrency(concurrency, [ours(), tarn(), generic()]);
    const mine = summaries[0] as Summary;
    for (const summary of summaries) {
      const isMine = summary === mine;
      rows.push([
        String(concurrency),
        summary.name,
        Math.round(summary.opsPerSec).toLocaleString('en-US'),
        summary.p99Us.toFixed(1),
        isMine ? '-' : formatRatio(mine.opsPerSec / summary.opsPerSec),
        isMine ? '-' : formatRatio(mine.p99Us / summary.p99Us),
      ]);
    }
    const fastestPeer = Math.max(...summaries.slice(1).map((summary) => summary.opsPerSec));
    const ratio = mine.opsPerSec / fastestPeer;
    verdicts.push(
      `concurrency ${concurrency}: ${formatRatio(ratio)} the faster peer (target ${TARGET_RATIO}x): ${
        ratio >= TARGET_RATIO ? 'PASS' : 'MISS'
      }`,
    );
  }
  printTable(header, rows);
  console.log(`\n${verdicts.join('\n')}`);

  console.log('\nshared acquire+release, @conn/core Pool, capacity 16, max 10 (median of rounds)\n');
  const sharedHeader = ['concurrency', 'workload', 'ops/s', 'p99 (us)', 'ops/s vs exclusive'];
  const sharedRows: string[][] = [];
  for (const concurrency of CONCURRENCIES) {
    const summaries = await benchConcurrency(concurrency, [
      ours(),
      oursShared("'when-full'", { sharing: 'when-full' }),
      oursShared("'always'", { sharing: 'always' }),
      oursShared("'when-full' + lingerShared", { sharing: 'when-full', lingerShared: true }),
    ]);
    const exclusive = summaries[0] as Summary;
    for (const summary of summaries) {
      sharedRows.push([
        String(concurrency),
        summary === exclusive ? 'exclusive (reference)' : summary.name,
        Math.round(summary.opsPerSec).toLocaleString('en-US'),
        summary.p99Us.toFixed(1),
        summary === exclusive ? '-' : formatRatio(summary.opsPerSec / exclusive.opsPerSec),
      ]);
    }
  }
  printTable(sharedHeader, sharedRows);
  console.log(`(p99 ratio: lower is better; total ${((performance.now() - startedAt) / 1000).toFixed(1)} s)`);
}

await main();
