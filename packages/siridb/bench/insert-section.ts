/**
 * Section 3: sequential inserts of `SPEC.batches` batches of `SPEC.series` × `SPEC.pointsPerSeries`
 * points. Ours and Python build each batch inside the timed loop, as a user's program would; the
 * bare socket sends the same batches encoded before its clock starts (the floor: no building, no
 * validation). Each contender writes its own series, created in the warm-up round; a round's
 * figure is points per second.
 */
import { encodeBarePackage, PackageType } from './bare-client.js';
import type { BenchContext } from './bench-context.js';
import { buildBatch, pythonInsertCommand } from './insert-batch.js';
import { medianOf, printMeasurement, printRatio } from './report.js';
import { runRounds } from './rounds.js';
import { POINTS_PER_ROUND, SPEC } from './spec.js';

function pointsPerSecond(started: number): number {
  return POINTS_PER_ROUND / ((performance.now() - started) / 1000);
}

export async function insertSection(context: BenchContext): Promise<void> {
  const { ours, python, bare, prefix, clock } = context;
  const results = await runRounds(
    {
      ours: async (round) => {
        const started = performance.now();
        for (let b = 0; b < SPEC.batches; b++)
          await ours.insert(buildBatch(`${prefix}ours_`, round, b, clock));
        return pointsPerSecond(started);
      },
      ...(python && {
        python: async (round) => {
          const command = pythonInsertCommand(`${prefix}python_`, round, 1);
          const answer = await python.request<{ seconds: number }>(command);
          return POINTS_PER_ROUND / answer.seconds;
        },
      }),
      ...(bare && {
        bare: async (round) => {
          const frames = Array.from({ length: SPEC.batches }, (_, b) =>
            encodeBarePackage(PackageType.INSERT, buildBatch(`${prefix}bare_`, round, b, clock)),
          );
          const started = performance.now();
          for (const frame of frames) await bare.exchange(frame);
          return pointsPerSecond(started);
        },
      }),
    },
    { warmUp: true },
  );
  const batch = (SPEC.series * SPEC.pointsPerSeries).toLocaleString('en-US');
  printMeasurement(`insert points/s, ${SPEC.batches} × ${batch}, one at a time`, results);
  printRatio('ours/python points/s', medianOf(results.ours), medianOf(results.python), { min: 1.5 });
  // bare points/s ÷ ours points/s is our time ÷ the bare socket's time.
  printRatio('ours time/bare time', medianOf(results.bare), medianOf(results.ours), { max: 1.15 });
}
