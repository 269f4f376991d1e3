/**
 * How `pnpm bench` prints: a line at a time as measurements finish, fixed column widths. A
 * figure shows the median of the rounds and, in brackets, the lowest and highest round.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { median } from './stats.js';

const WIDTHS = [64, 26, 7, 12, 4] as const;

/** 3 significant figures or more, with k and M past 10,000. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n < 100) return n.toFixed(n < 10 ? 2 : 1);
  if (n < 10_000) return Math.round(n).toLocaleString('en-US');
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

function line(cells: readonly string[]): void {
  console.log(
    cells.map((cell, i) => (i === 0 ? cell.padEnd(WIDTHS[0]) : cell.padStart(WIDTHS[i] ?? 0))).join(' '),
  );
}

/** Node, CPUs and load: the figures mean little without them. */
export function printEnvironment(): void {
  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Node ${process.version} ${process.platform}/${process.arch}`);
  console.log(`${String(availableParallelism())} CPUs (${model}); load average ${one} ${five} ${fifteen}`);
}

export function printHeader(title: string): void {
  console.log(`\n${title}\n`);
  line(['measurement', 'median [lowest–highest]', 'ratio', 'target', '']);
  line(WIDTHS.map((width) => '-'.repeat(width)));
}

/** One figure: its median over the rounds, with the lowest and highest round. */
export function printFigure(what: string, values: readonly number[], unit = ''): void {
  const range = `${compact(Math.min(...values))}–${compact(Math.max(...values))}`;
  line([what, `${compact(median(values))}${unit} [${range}]`, '', '', '']);
}

/**
 * A ratio of two medians, against a minimum target (PASS/MISS) or, without one, for
 * information. Returns the ratio.
 */
export function printRatio(what: string, numerator: number, denominator: number, min?: number): number {
  const ratio = numerator / denominator;
  if (min === undefined) line([`  ${what}`, '', ratio.toFixed(2), '', 'info']);
  else line([`  ${what}`, '', ratio.toFixed(2), `≥ ${min}`, ratio >= min ? 'PASS' : 'MISS']);
  return ratio;
}

/** A target that is not a plain ratio (e.g. "≥ 1 GiB/s or within 1.2× of bare"): its verdict. */
export function printVerdict(what: string, target: string, pass: boolean): void {
  line([`  ${what}`, '', '', target, pass ? 'PASS' : 'MISS']);
}

/** A note under a section, indented. */
export function printNote(text: string): void {
  console.log(`  ${text}`);
}

/** An error, on its own line, without a stack. */
export function printError(what: string, error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.log(`${what}: ${message}`);
}
