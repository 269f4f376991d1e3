import { describe, expect, it } from 'vitest';
import { ADAPTIVE_BATCH_BYTES, ADAPTIVE_BATCH_ROWS, nextBatchSize } from '../../src/stream/batch-size.js';

const adaptive = { initial: 1000, adaptive: true };

describe('nextBatchSize', () => {
  it('keeps an explicit batch size exactly', () => {
    expect(nextBatchSize({ initial: 500, adaptive: false }, 500, 500, 50_000)).toBe(500);
  });

  it('doubles while the rows are small', () => {
    expect(nextBatchSize(adaptive, 1000, 1000, 20_000)).toBe(2000);
    expect(nextBatchSize(adaptive, 2000, 2000, 40_000)).toBe(4000);
  });

  it('stops at the row cap', () => {
    expect(nextBatchSize(adaptive, ADAPTIVE_BATCH_ROWS, ADAPTIVE_BATCH_ROWS, 1000)).toBe(ADAPTIVE_BATCH_ROWS);
    expect(nextBatchSize(adaptive, 50_000, 50_000, 1000)).toBe(ADAPTIVE_BATCH_ROWS);
  });

  it('keeps a batch of rows as wide as the last ones under the byte cap', () => {
    // 1000 rows of 10 KiB: 4 MiB holds 409 of them.
    const next = nextBatchSize(adaptive, 1000, 1000, 1000 * 10_240);
    expect(next).toBe(Math.floor(ADAPTIVE_BATCH_BYTES / 10_240));
    expect(next * 10_240).toBeLessThanOrEqual(ADAPTIVE_BATCH_BYTES);
  });

  it('reads at least one row even when one row is wider than the cap', () => {
    expect(nextBatchSize(adaptive, 10, 10, 10 * ADAPTIVE_BATCH_BYTES)).toBe(1);
  });
});
