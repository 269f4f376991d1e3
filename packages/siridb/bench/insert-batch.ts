import { SPEC } from './spec.js';

/** One insert request as a user builds it: `{ name: [[timestamp, float], ...] }`. */
export type InsertBatch = Record<string, [number | bigint, number][]>;

/**
 * Batch `batch` of round `round`: `SPEC.series` series named `<prefix><s>`, each with
 * `SPEC.pointsPerSeries` points that follow the previous batch's, so no timestamp repeats. Values
 * are never integral (they go out as doubles, as Python floats do). The Python side builds the
 * same batches (`bench/python/connector_bench.py`).
 */
export function buildBatch(
  prefix: string,
  round: number,
  batch: number,
  clock: (k: number) => number | bigint,
): InsertBatch {
  const first = (round * SPEC.batches + batch) * SPEC.pointsPerSeries;
  const data: InsertBatch = {};
  for (let s = 0; s < SPEC.series; s++) {
    const points: [number | bigint, number][] = new Array(SPEC.pointsPerSeries);
    for (let p = 0; p < SPEC.pointsPerSeries; p++) points[p] = [clock(first + p), s + p * 0.001 + 0.0001];
    data[`${prefix}${s}`] = points;
  }
  return data;
}

/** The command that makes the Python side build and insert the same batches (`prefix` its own). */
export function pythonInsertCommand(prefix: string, round: number, inFlight: number): object {
  const { batches, series, pointsPerSeries } = SPEC;
  return { op: 'insert', prefix, round, inFlight, batches, series, pointsPerSeries };
}
