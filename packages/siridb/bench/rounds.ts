/**
 * Interleaved rounds: in every round each contender measures once, in a fixed order (ours,
 * python, bare), so all of them see the same server state and machine load. With `warmUp`, round
 * 0 warms up (JIT, server caches, series creation) and is not reported. A contender that fails
 * is reported with its error and left out of later rounds; the others go on.
 */
import { SPEC } from './spec.js';

export type ContenderName = 'ours' | 'python' | 'bare';

/** Measures one round (numbered from 0, the warm-up if any) and returns the figure of that round. */
export type Measure = (round: number) => Promise<number>;

export type RoundsResult = { readonly values: readonly number[] } | { readonly error: unknown };

export async function runRounds(
  contenders: Partial<Record<ContenderName, Measure>>,
  options: { readonly warmUp: boolean },
): Promise<Partial<Record<ContenderName, RoundsResult>>> {
  const first = options.warmUp ? 1 : 0;
  const entries = Object.entries(contenders) as [ContenderName, Measure][];
  const values = new Map<ContenderName, number[]>(entries.map(([name]) => [name, []]));
  const errors = new Map<ContenderName, unknown>();
  for (let round = 0; round < first + SPEC.rounds; round++) {
    for (const [name, measure] of entries) {
      if (errors.has(name)) continue;
      try {
        const figure = await measure(round);
        if (round >= first) values.get(name)?.push(figure);
      } catch (error) {
        errors.set(name, error);
      }
    }
  }
  const result: Partial<Record<ContenderName, RoundsResult>> = {};
  for (const [name] of entries) {
    result[name] = errors.has(name) ? { error: errors.get(name) } : { values: values.get(name) ?? [] };
  }
  return result;
}
