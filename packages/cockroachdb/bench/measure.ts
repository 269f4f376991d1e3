// Timing helpers: every case runs in rounds (order alternating), the median rate is reported with
// its spread; a case that returns a wrong answer stops the benchmark.

/** One measurable case: `run` does the work once and returns how many units it did. */
export interface BenchCase {
  readonly workload: string;
  readonly client: string;
  readonly unit: string;
  /** The case whose rate this one is compared with (same workload), if any. */
  readonly ours?: boolean;
  setup?(): Promise<void>;
  run(): Promise<number>;
}

export interface BenchResult {
  readonly workload: string;
  readonly client: string;
  readonly unit: string;
  readonly ours: boolean;
  readonly rates: number[];
  readonly median: number;
  /** Median client CPU (user + system) per unit, in microseconds: steadier than wall time on a busy machine. */
  readonly cpuMicrosPerUnit: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs every case `rounds` times, reversing the order every other round. */
export async function measure(cases: readonly BenchCase[], rounds: number): Promise<BenchResult[]> {
  const rates = new Map<BenchCase, number[]>(cases.map((entry) => [entry, []]));
  const cpu = new Map<BenchCase, number[]>(cases.map((entry) => [entry, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const entry of order) {
      await entry.setup?.();
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const units = await entry.run();
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpuBefore);
      rates.get(entry)?.push(units / seconds);
      cpu.get(entry)?.push((used.user + used.system) / units);
    }
  }
  return cases.map((entry) => {
    const list = rates.get(entry) ?? [];
    return {
      workload: entry.workload,
      client: entry.client,
      unit: entry.unit,
      ours: entry.ours === true,
      rates: list,
      median: median(list),
      cpuMicrosPerUnit: median(cpu.get(entry) ?? []),
    };
  });
}

/** Throws when a benchmark's answer is wrong: a fast wrong answer must not count. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark correctness check failed: ${what}`);
}

/** Runs `total` calls of `fn` from `workers` concurrent loops. */
export async function concurrently(total: number, workers: number, fn: () => Promise<void>): Promise<void> {
  let left = total;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (left > 0) {
        left--;
        await fn();
      }
    }),
  );
}
