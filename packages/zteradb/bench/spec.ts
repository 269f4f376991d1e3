/**
 * Sizes of `pnpm bench`, the same for every contender. CONN_ZTERADB_BENCH_ROUNDS and
 * CONN_ZTERADB_BENCH_ROWS shrink them for a quick look; the targets are for the defaults.
 */
export interface BenchSpec {
  /** Measured rounds per section, each section preceded by one warm-up round that is not reported. */
  readonly rounds: number;
  /** Rows of the streamed schema, read whole by one select per contender per round. */
  readonly streamedRows: number;
  /** Rows of the schema the small queries read (kept tiny so the server answers at once). */
  readonly smallRows: number;
  /** Small queries per contender per round. */
  readonly smallQueries: number;
  /** Small queries in flight at once, and the pool's `max`. */
  readonly concurrency: number;
}

function positiveInteger(name: string, fallback: number, least: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isSafeInteger(value) && value >= least ? value : fallback;
}

export const SPEC: BenchSpec = {
  rounds: positiveInteger('CONN_ZTERADB_BENCH_ROUNDS', 3, 1),
  streamedRows: positiveInteger('CONN_ZTERADB_BENCH_ROWS', 1_000_000, 1),
  smallRows: 10,
  smallQueries: 1_000,
  concurrency: 8,
};

/** The one database of the bench server and its two schemas. */
export const DATABASE_ID = 'BENCH';
export const STREAMED_SCHEMA = 'item';
export const SMALL_SCHEMA = 'tag';

/** The key set the bench server accepts (a test server: these are not secrets). */
export const BENCH_KEY = {
  clientKey: 'BENCHCLIENTKEY00000000000AA',
  accessKey: 'BENCHACCESSKEY00000000000BB',
  secretKey: 'bench-secret',
} as const;
