/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The median of the ratios `numerators[i] / denominators[i]`: for contenders measured in the same
 * interleaved rounds, each pair shares the machine's state of its moment, so a slow spell of a
 * noisy host moves both sides of a pair instead of one side's median. NaN when empty.
 */
export function medianOfRatios(numerators: readonly number[], denominators: readonly number[]): number {
  const count = Math.min(numerators.length, denominators.length);
  const ratios: number[] = [];
  for (let k = 0; k < count; k++) ratios.push((numerators[k] as number) / (denominators[k] as number));
  return median(ratios);
}
