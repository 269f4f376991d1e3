/**
 * Section 1: sequential query latency. Each contender runs the same number of selects of a
 * 10-point series one after another (`SPEC.latencyQueries`, fewer on a server so slow that they
 * would take longer than `SPEC.latencyRoundMs`); a round's figure is the median of its queries'
 * times (µs). The bare socket writes a package encoded once and decodes each answer with our qpack.
 */

import { median } from '@conn/bench-kit/stats';
import { encodeBarePackage, PackageType } from './bare-client.js';
import type { BenchContext } from './bench-context.js';
import { medianOf, printMeasurement, printRatio } from './report.js';
import { runRounds } from './rounds.js';
import { SPEC } from './spec.js';

async function timeEach(count: number, run: () => Promise<unknown>): Promise<number> {
  const micros: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    micros[i] = (performance.now() - started) * 1000;
  }
  return median(micros);
}

export async function latencySection(context: BenchContext): Promise<void> {
  const { ours, python, bare, selectQuery } = context;
  const frame = encodeBarePackage(PackageType.QUERY, [selectQuery, null]);
  // The median of 100 is past the cold start of both processes: a fair guess of a round's length.
  const probeMicros = await timeEach(100, () => ours.query(selectQuery));
  const count = Math.max(
    50,
    Math.min(SPEC.latencyQueries, Math.floor((SPEC.latencyRoundMs * 1000) / probeMicros)),
  );
  const results = await runRounds(
    {
      ours: () => timeEach(count, () => ours.query(selectQuery)),
      ...(python && {
        python: async () => {
          const command = { op: 'latency', query: selectQuery, count };
          const answer = await python.request<{ seconds: number[] }>(command);
          return median(answer.seconds) * 1e6;
        },
      }),
      ...(bare && { bare: () => timeEach(count, () => bare.exchange(frame)) }),
    },
    { warmUp: true },
  );
  const what = `select latency µs, ${count} × ${SPEC.selectedPoints} points one at a time`;
  printMeasurement(what, results);
  printRatio('ours/python latency', medianOf(results.ours), medianOf(results.python), { max: 0.85 });
  printRatio('ours/bare latency', medianOf(results.ours), medianOf(results.bare), { max: 1.15 });
}
