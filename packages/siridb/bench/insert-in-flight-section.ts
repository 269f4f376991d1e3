/**
 * Section 3b (informational): the same inserts with `SPEC.insertsInFlight` requests in flight, each
 * lane building its next batch when its previous one is answered. SiriDB 2.0.55 serialises
 * concurrent inserts badly, so this shows what in-flight inserts buy on a given server, no target.
 * It appends to the series the sequential section created (no warm-up needed), after its rounds.
 */
import type { BenchContext } from './bench-context.js';
import { buildBatch, pythonInsertCommand } from './insert-batch.js';
import { medianOf, printMeasurement, printRatio } from './report.js';
import { runRounds } from './rounds.js';
import { POINTS_PER_ROUND, SPEC } from './spec.js';

/** Round numbers after the sequential section's (its warm-up, then its measured rounds). */
const FIRST_ROUND = 1 + SPEC.rounds;

export async function insertInFlightSection(context: BenchContext): Promise<void> {
  const { ours, python, prefix, clock } = context;
  const results = await runRounds(
    {
      ours: async (index) => {
        const round = FIRST_ROUND + index;
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < SPEC.batches) {
            await ours.insert(buildBatch(`${prefix}ours_`, round, next++, clock));
          }
        };
        const started = performance.now();
        await Promise.all(Array.from({ length: SPEC.insertsInFlight }, lane));
        return POINTS_PER_ROUND / ((performance.now() - started) / 1000);
      },
      ...(python && {
        python: async (index) => {
          const round = FIRST_ROUND + index;
          const command = pythonInsertCommand(`${prefix}python_`, round, SPEC.insertsInFlight);
          const answer = await python.request<{ seconds: number }>(command);
          return POINTS_PER_ROUND / answer.seconds;
        },
      }),
    },
    { warmUp: false },
  );
  printMeasurement(`insert points/s, ${SPEC.insertsInFlight} requests in flight`, results);
  printRatio('ours/python points/s (no target)', medianOf(results.ours), medianOf(results.python));
}
