/**
 * Exact brute-force k nearest neighbours, the reference the in-memory server answers with.
 *
 * Order: by `_distance` in the metric's direction (see `metric.ts`). Ties (equal distances) go to
 * the candidate that comes first in `candidates`, which the store passes in insertion order, so
 * among equally near descriptors the one added earlier wins. A NaN distance (a NaN or infinite
 * component in a vector) ranks after every number, so it never displaces a real neighbour.
 */
import { distance, largerIsNearer, type Metric } from './metric.js';

export interface Neighbour {
  /** Position of the candidate in the input list. */
  index: number;
  distance: number;
}

export function nearestNeighbours(
  candidates: readonly Float32Array[],
  query: Float32Array,
  metric: Metric,
  k: number,
): Neighbour[] {
  const scored = candidates.map((vector, index) => ({ index, distance: distance(metric, query, vector) }));
  const sign = largerIsNearer(metric) ? -1 : 1;
  scored.sort((a, b) => {
    const aNaN = Number.isNaN(a.distance);
    const bNaN = Number.isNaN(b.distance);
    if (aNaN !== bNaN) return aNaN ? 1 : -1;
    if (!aNaN && a.distance !== b.distance) return sign * (a.distance < b.distance ? -1 : 1);
    return a.index - b.index;
  });
  return scored.slice(0, Math.max(0, k));
}
