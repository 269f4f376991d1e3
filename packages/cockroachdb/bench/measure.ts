// Timing: every workload runs an untimed warm-up pass of each case, then `rounds` timed rounds with
// the case order reversed every other round. Setup, verification and teardown are never timed, and a
// case whose answer is wrong stops the benchmark: a fast wrong answer must not count.

/** One client doing one workload. */
export interface BenchCase {
  readonly client: string;
  /** `primary`: the case the targets judge; `variant`: another setting of ours, shown for information. */
  readonly ours?: 'primary' | 'variant';
  /**
   * Set on a second, identical copy of the peer it names: the ratio of the two, measured in the
   * same rounds, is how far two equal clients land apart in this run (the yardstick for a target
   * that sits at parity).
   */
  readonly controlOf?: string;
  /** Untimed, before every run (open a fresh client, empty a table, …). */
  setup?(): Promise<void>;
  /** Timed: does the work once and returns how many units (queries, rows) it did. */
  run(): Promise<number>;
  /** Untimed, after every run: throws a {@link CheckError} when the work was done wrong. */
  verify?(): Promise<void>;
  /** Untimed, after every run (close what `setup` opened). */
  teardown?(): Promise<void>;
}

/**
 * What one case of ours must reach against one peer: ours ÷ peer ≥ `minRatio` (median of the
 * per-round ratios). Without `ours`, the workload's primary case; without `peer`, the fastest of
 * the workload's reference peers.
 */
export interface Target {
  readonly minRatio: number;
  readonly text: string;
  readonly ours?: string | undefined;
  readonly peer?: string | undefined;
  /** Set when ours reaches it through a path only CockroachDB/PostgreSQL offers (COPY, unnest). */
  readonly path?: string | undefined;
}

export interface Workload {
  readonly name: string;
  readonly unit: string;
  readonly rounds: number;
  readonly cases: readonly BenchCase[];
  /** The peers ours is compared with in the table; the fastest of them (by median) is the reference. */
  readonly reference: readonly string[];
  readonly targets?: readonly Target[] | undefined;
}

export interface CaseResult {
  readonly client: string;
  readonly ours: 'primary' | 'variant' | undefined;
  readonly controlOf: string | undefined;
  /** Units per second, one per round, in round order. */
  readonly rates: readonly number[];
  /** Client process CPU (user + system) per unit in microseconds, one per round. */
  readonly cpu: readonly number[];
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly cases: readonly CaseResult[];
  readonly seconds: number;
}

/** A wrong answer: the benchmark exits with code 1. */
export class CheckError extends Error {
  override readonly name = 'CheckError';
}

/** Throws a {@link CheckError} unless `condition` holds. */
export function check(condition: boolean, what: string): void {
  if (!condition) throw new CheckError(`benchmark correctness check failed: ${what}`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function once(entry: BenchCase): Promise<{ units: number; seconds: number; cpuMicros: number }> {
  try {
    await entry.setup?.();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const units = await entry.run();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    await entry.verify?.();
    return { units, seconds, cpuMicros: used.user + used.system };
  } finally {
    await entry.teardown?.();
  }
}

/** Warms every case up once, then measures `rounds` rounds, alternating the order. */
export async function measureWorkload(workload: Workload): Promise<WorkloadResult> {
  const started = performance.now();
  for (const entry of workload.cases) await once(entry);
  const rates = workload.cases.map((): number[] => []);
  const cpu = workload.cases.map((): number[] => []);
  const indexes = workload.cases.map((_, index) => index);
  for (let round = 0; round < workload.rounds; round++) {
    const order = round % 2 === 0 ? indexes : [...indexes].reverse();
    for (const index of order) {
      const result = await once(workload.cases[index] as BenchCase);
      rates[index]?.push(result.units / result.seconds);
      cpu[index]?.push(result.cpuMicros / result.units);
    }
  }
  return {
    workload,
    cases: workload.cases.map((entry, index) => ({
      client: entry.client,
      ours: entry.ours,
      controlOf: entry.controlOf,
      rates: rates[index] ?? [],
      cpu: cpu[index] ?? [],
    })),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Runs `total` calls of `fn` from `workers` concurrent loops; returns how many calls returned true. */
export async function concurrently(
  total: number,
  workers: number,
  fn: () => Promise<boolean>,
): Promise<number> {
  let left = total;
  let passed = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (left > 0) {
        left--;
        if (await fn()) passed++;
      }
    }),
  );
  return passed;
}
