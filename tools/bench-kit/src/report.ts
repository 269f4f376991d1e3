/**
 * How `pnpm bench` prints: a line at a time as measurements finish, fixed column widths (so
 * nothing waits for the widest value). A figure shows the median of the rounds and, in brackets,
 * the lowest and highest round.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { median } from './stats.js';

/** 3 significant figures or more, with k and M past 10,000. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n < 100) return n.toFixed(n < 10 ? 2 : 1);
  if (n < 10_000) return Math.round(n).toLocaleString('en-US');
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  return `${(n / 1e6).toFixed(2)}M`;
}

/** Prints one table row: the first cell padded to the right, the others to the left. */
export type PrintRow = (cells: readonly string[]) => void;

/** A row printer for columns of these widths. */
export function tableRow(widths: readonly number[]): PrintRow {
  return (cells) => {
    console.log(
      cells
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join(' '),
    );
  };
}

/** Node, CPUs and load: the figures mean little without them. */
export function printEnvironment(): void {
  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log(`Node ${process.version} ${process.platform}/${process.arch}`);
  console.log(`${String(availableParallelism())} CPUs (${model}); load average ${one} ${five} ${fifteen}`);
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

/** Widths of the five columns: measurement, median [range], ratio, target, verdict. */
export type FigureWidths = readonly [number, number, number, number, number];

/** The table of figures, ratios and verdicts one bench prints, at its own column widths. */
export interface FigureTable {
  printHeader(title: string): void;
  /** One figure: its median over the rounds, with the lowest and highest round. */
  printFigure(what: string, values: readonly number[], unit?: string): void;
  /**
   * A ratio of two medians, against a minimum target (PASS/MISS) or, without one, for
   * information. Returns the ratio.
   */
  printRatio(what: string, numerator: number, denominator: number, min?: number): number;
  /** A target that is not a plain ratio (e.g. "≥ 1 GiB/s or within 1.2× of bare"): its verdict. */
  printVerdict(what: string, target: string, pass: boolean): void;
}

export function figureTable(widths: FigureWidths): FigureTable {
  const row = tableRow(widths);
  return {
    printHeader: (title) => {
      console.log(`\n${title}\n`);
      row(['measurement', 'median [lowest–highest]', 'ratio', 'target', '']);
      row(widths.map((width) => '-'.repeat(width)));
    },
    printFigure: (what, values, unit = '') => {
      const range = `${compact(Math.min(...values))}–${compact(Math.max(...values))}`;
      row([what, `${compact(median(values))}${unit} [${range}]`, '', '', '']);
    },
    printRatio: (what, numerator, denominator, min) => {
      const ratio = numerator / denominator;
      if (min === undefined) row([`  ${what}`, '', ratio.toFixed(2), '', 'info']);
      else row([`  ${what}`, '', ratio.toFixed(2), `≥ ${min}`, ratio >= min ? 'PASS' : 'MISS']);
      return ratio;
    },
    printVerdict: (what, target, pass) => {
      row([`  ${what}`, '', '', target, pass ? 'PASS' : 'MISS']);
    },
  };
}
