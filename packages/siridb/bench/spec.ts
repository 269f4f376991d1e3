/** Sizes of the client benchmark, the same for every contender and every server. */
export interface BenchSpec {
  /** Measured rounds per section (each preceded by one warm-up round that is not reported). */
  readonly rounds: number;
  /** Most sequential selects per contender per round. */
  readonly latencyQueries: number;
  /** Fewer when a round of them would take longer than this (slow or busy server). */
  readonly latencyRoundMs: number;
  /** Points in the series the latency and concurrency selects read. */
  readonly selectedPoints: number;
  /** Selects in flight at once on one connection. */
  readonly concurrentQueries: number;
  /** Insert requests per contender per round. */
  readonly batches: number;
  readonly series: number;
  readonly pointsPerSeries: number;
  /** Insert requests in flight in the concurrent insert measurement. */
  readonly insertsInFlight: number;
}

export const SPEC: BenchSpec = {
  rounds: Math.max(3, Number(process.env['CONN_SIRIDB_BENCH_ROUNDS'] ?? 5)),
  latencyQueries: 1_000,
  latencyRoundMs: 400,
  selectedPoints: 10,
  concurrentQueries: 5_000,
  batches: 20,
  series: 100,
  pointsPerSeries: 100,
  insertsInFlight: 4,
};

/** Points one round of inserts writes. */
export const POINTS_PER_ROUND: number = SPEC.batches * SPEC.series * SPEC.pointsPerSeries;
