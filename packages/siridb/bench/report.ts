/**
 * The client benchmark's table, printed a line at a time as measurements finish (fixed column
 * widths, so nothing waits for the widest value). Cells hold the median of the rounds and, in
 * brackets, the lowest and highest round.
 */
import { printError, tableRow } from '@conn/bench-kit/report';
import { median } from '@conn/bench-kit/stats';
import type { ContenderName, RoundsResult } from './rounds.js';

export { printError } from '@conn/bench-kit/report';

const WIDTHS = [50, 24, 24, 24, 6, 7, 4] as const;

/** 3 significant figures or more, with k and M past 10,000: rounds keep to one short cell. */
function compact(n: number): string {
  if (n < 100) return n.toFixed(1);
  if (n < 10_000) return Math.round(n).toLocaleString('en-US');
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

const line = tableRow(WIDTHS);

export function printHeader(title: string): void {
  console.log(`\n${title}\n`);
  line(['measurement', '@conn/siridb', 'python connector', 'bare socket', 'ratio', 'target', '']);
  line(WIDTHS.map((width) => '-'.repeat(width)));
}

/** The median of a contender's rounds, or `undefined` when it failed or was not run. */
export function medianOf(result: RoundsResult | undefined): number | undefined {
  return result !== undefined && 'values' in result ? median(result.values) : undefined;
}

function cell(result: RoundsResult | undefined): string {
  if (result === undefined) return '—';
  if ('error' in result) return 'failed';
  const { values } = result;
  return `${compact(median(values))} [${compact(Math.min(...values))}–${compact(Math.max(...values))}]`;
}

/** One measurement: each contender's median over the rounds; then the errors of those that failed. */
export function printMeasurement(what: string, results: Partial<Record<ContenderName, RoundsResult>>): void {
  line([what, cell(results.ours), cell(results.python), cell(results.bare), '', '', '']);
  for (const [name, result] of Object.entries(results)) {
    if (result !== undefined && 'error' in result) printError(`  ${name} failed`, result.error);
  }
}

/**
 * A ratio of two medians against its target (`max`: at most, `min`: at least). Prints `n/a`
 * when either side has no figure, and `info` for a ratio without a target.
 */
export function printRatio(
  what: string,
  numerator: number | undefined,
  denominator: number | undefined,
  target?: { readonly max: number } | { readonly min: number },
): void {
  if (numerator === undefined || denominator === undefined) {
    line([`  ${what}`, '', '', '', 'n/a', '', '']);
    return;
  }
  const ratio = numerator / denominator;
  if (target === undefined) {
    line([`  ${what}`, '', '', '', ratio.toFixed(2), '', 'info']);
    return;
  }
  const pass = 'max' in target ? ratio <= target.max : ratio >= target.min;
  const wanted = 'max' in target ? `≤ ${target.max}` : `≥ ${target.min}`;
  line([`  ${what}`, '', '', '', ratio.toFixed(2), wanted, pass ? 'PASS' : 'MISS']);
}
