/**
 * Distance metrics of descriptor sets and what `_distance` means for each
 * (docs/protocols/aperturedb.md, section 3, "Distance semantics"):
 * - `L2`: squared Euclidean distance; smaller is nearer, results ascending.
 * - `IP`: inner product; larger is nearer, results descending.
 * - `CS`: cosine similarity; larger is nearer, results descending. A zero vector has similarity 0
 *   with everything (the cosine is undefined there; we pick a finite value so ordering stays total).
 *
 * Arithmetic: inputs are float32 (as stored); every product and sum here is float64, accumulated
 * in dimension order. The real server computes in float32 (and an index may use the expansion
 * |a|² + |b|² − 2a·b for L2), so its `_distance` can differ from ours in the last bits, roughly a
 * float32 epsilon (~1e-7) relative to the magnitudes involved, and two candidates whose distances
 * differ by less than that may come back in the other order. Tests against a real server must
 * compare with a tolerance; tests against this one can use the same float64 arithmetic exactly.
 */

export type Metric = 'L2' | 'IP' | 'CS';

export const METRICS: readonly Metric[] = ['L2', 'IP', 'CS'];

export function isMetric(value: unknown): value is Metric {
  return value === 'L2' || value === 'IP' || value === 'CS';
}

/** The `_distance` value of `candidate` for `query`, computed in float64. */
export function distance(metric: Metric, query: Float32Array, candidate: Float32Array): number {
  switch (metric) {
    case 'L2':
      return squaredEuclidean(query, candidate);
    case 'IP':
      return dot(query, candidate);
    case 'CS':
      return cosine(query, candidate);
  }
}

/** Whether larger `_distance` values are nearer (IP, CS) or smaller ones (L2). */
export function largerIsNearer(metric: Metric): boolean {
  return metric !== 'L2';
}

function squaredEuclidean(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return sum;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function cosine(a: Float32Array, b: Float32Array): number {
  const norms = Math.sqrt(dot(a, a)) * Math.sqrt(dot(b, b));
  return norms === 0 ? 0 : dot(a, b) / norms;
}
