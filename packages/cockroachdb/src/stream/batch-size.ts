/** Wire bytes one adaptive batch may hold: what bounds a portal stream's memory. */
export const ADAPTIVE_BATCH_BYTES: number = 4 * 1024 * 1024;

/**
 * Largest adaptive batch in rows, however small the rows are. Measured: past a few thousand rows a
 * batch outlives the young generation of the heap and reads get slower, not faster.
 */
export const ADAPTIVE_BATCH_ROWS: number = 4_096;

/** How many rows the next read of a portal asks for. */
export interface BatchPlan {
  /** Rows of the first read (the caller's `batchSize`, or the client's `streamBatchSize`). */
  readonly initial: number;
  /** False when the caller chose `batchSize`: every read asks for exactly that many rows. */
  readonly adaptive: boolean;
}

/**
 * The size of the read after one that returned `rows` rows in `bytes` wire bytes. A read happens
 * only once the consumer used up the previous batch, so every read shows the consumer keeps up:
 * the batch doubles, until a batch of rows as wide as these would pass {@link ADAPTIVE_BATCH_BYTES}.
 */
export function nextBatchSize(plan: BatchPlan, current: number, rows: number, bytes: number): number {
  if (!plan.adaptive) return current;
  const doubled = Math.min(current * 2, ADAPTIVE_BATCH_ROWS);
  if (rows === 0 || bytes <= 0) return doubled;
  const fitting = Math.max(1, Math.floor(ADAPTIVE_BATCH_BYTES / (bytes / rows)));
  return Math.min(doubled, fitting);
}
