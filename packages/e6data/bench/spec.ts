/** Sizes of `pnpm bench`. CONN_E6DATA_BENCH_ROUNDS changes the rounds for a quick look. */
function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isSafeInteger(value) && value >= 1 ? value : fallback;
}

/** The streamed result: rows, rows per batch, measured rounds (after one warm-up round). */
export const STREAM: { readonly rows: number; readonly batchRows: number; readonly rounds: number } = {
  rows: 1_000_000,
  batchRows: 10_000,
  rounds: positiveInteger('CONN_E6DATA_BENCH_ROUNDS', 9),
} as const;
