/**
 * Interleaved rounds: in every round each contender measures once, so all of them see the same
 * server state and machine load. The order rotates from round to round, so no contender always
 * follows the same one (the server's garbage from the previous answer, for one). Round 0 warms
 * up (JIT, connections) and is not reported. The first error ends the measurement: the bench
 * reports it and exits non-zero.
 */

/** Measures one round (0 is the warm-up) and returns its sample. */
export type Measure<Sample> = (round: number) => Promise<Sample>;

/** Runs the warm-up round and then `rounds` measured rounds; returns each contender's samples. */
export async function runRounds<Name extends string, Sample>(
  contenders: Readonly<Record<Name, Measure<Sample>>>,
  rounds: number,
): Promise<Record<Name, Sample[]>> {
  const entries = Object.entries(contenders) as [Name, Measure<Sample>][];
  const samples = Object.fromEntries(entries.map(([name]) => [name, []])) as unknown as Record<
    Name,
    Sample[]
  >;
  for (let round = 0; round <= rounds; round++) {
    for (let k = 0; k < entries.length; k++) {
      const [name, measure] = entries[(round + k) % entries.length] as [Name, Measure<Sample>];
      const sample = await measure(round);
      if (round > 0) samples[name].push(sample);
    }
  }
  return samples;
}
