/**
 * Section 2: `SPEC.concurrentQueries` selects in flight at once on one connection: ours with
 * `Promise.all`, Python with `asyncio.gather`, and the bare socket writing them all pre-encoded
 * at once (what the server itself answers). A round's figure is selects per second. No warm-up
 * round: the latency section ran the same select just before.
 */
import { encodeBarePackage, PackageType } from './bare-client.js';
import type { BenchContext } from './bench-context.js';
import { medianOf, printMeasurement, printRatio } from './report.js';
import { runRounds } from './rounds.js';
import { SPEC } from './spec.js';

export async function concurrencySection(context: BenchContext): Promise<void> {
  const { ours, python, bare, selectQuery } = context;
  const count = SPEC.concurrentQueries;
  // The bare socket's burst: every select pre-encoded with its own pid, written at once.
  const burst = Buffer.concat(
    Array.from({ length: count }, (_, pid) => encodeBarePackage(PackageType.QUERY, [selectQuery, null], pid)),
  );
  const results = await runRounds(
    {
      ours: async () => {
        const started = performance.now();
        await Promise.all(Array.from({ length: count }, () => ours.query(selectQuery)));
        return count / ((performance.now() - started) / 1000);
      },
      ...(python && {
        python: async () => {
          const answer = await python.request<{ seconds: number }>({
            op: 'concurrent',
            query: selectQuery,
            count,
          });
          return count / answer.seconds;
        },
      }),
      ...(bare && {
        bare: async () => {
          const started = performance.now();
          await bare.burst(burst);
          return count / ((performance.now() - started) / 1000);
        },
      }),
    },
    { warmUp: false },
  );
  printMeasurement(`selects/s, ${count.toLocaleString('en-US')} in flight on one connection`, results);
  printRatio('ours/python selects/s', medianOf(results.ours), medianOf(results.python), { min: 1.5 });
  // No target: how close both clients come to what the server answers on one connection.
  printRatio('ours/bare selects/s', medianOf(results.ours), medianOf(results.bare));
  printRatio('python/bare selects/s', medianOf(results.python), medianOf(results.bare));
}
