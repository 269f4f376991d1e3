import type { BenchResult } from './measure.js';

/** A target: ours ÷ peer must be at least `minRatio`. */
export interface Target {
  readonly workload: string;
  readonly peer: string;
  readonly minRatio: number;
  readonly text: string;
}

const format = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The Markdown table: every case with its median, spread, and ours ÷ each peer of the workload. */
export function renderTable(results: readonly BenchResult[], targets: readonly Target[]): string {
  const lines = [
    '| workload | client | median | unit | spread (min–max) | client CPU µs/unit | ours ÷ this | target |',
    '| --- | --- | ---: | --- | --- | ---: | ---: | --- |',
  ];
  for (const result of results) {
    const ours = results.find((entry) => entry.workload === result.workload && entry.ours);
    const ratio = ours === undefined || result.ours ? '' : `${(ours.median / result.median).toFixed(2)}x`;
    const target = targets.find(
      (entry) => entry.workload === result.workload && entry.peer === result.client,
    );
    let verdict = '';
    if (target !== undefined && ours !== undefined) {
      verdict = `${target.text}: ${ours.median / result.median >= target.minRatio ? 'met' : 'MISSED'}`;
    }
    const spread = `${format(Math.min(...result.rates))}–${format(Math.max(...result.rates))}`;
    lines.push(
      `| ${result.workload} | ${result.ours ? `**${result.client}**` : result.client} | ${format(result.median)} | ${result.unit} | ${spread} | ${result.cpuMicrosPerUnit.toFixed(2)} | ${ratio} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}
