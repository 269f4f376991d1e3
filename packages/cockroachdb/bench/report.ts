// The Markdown report: one row per case with its median, spread and ratio, then one line per target.

import { type CaseResult, median, type WorkloadResult } from './measure.js';

const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
const times = (value: number): string => `${value.toFixed(2)}x`;

/** The median over the rounds of `a` ÷ `b`, each round's pair measured back to back. */
export function pairedRatio(a: CaseResult, b: CaseResult): number {
  return median(a.rates.map((value, round) => value / (b.rates[round] ?? Number.NaN)));
}

/** Ours ÷ the reference peer of one workload, three ways. */
export interface Comparison {
  readonly ours: CaseResult;
  readonly peer: CaseResult;
  /**
   * The median of the per-round ratios: what the target is judged on. Pairing cancels the slow
   * swings of a shared 2-CPU machine (whole minutes 30% slower) that move two medians apart.
   */
  readonly ratio: number;
  /** Median rate ÷ median rate. */
  readonly ratioOfMedians: number;
  /** Peer CPU per unit ÷ ours: above 1 means ours spends less client CPU per unit. */
  readonly cpuRatio: number;
  readonly met: boolean | undefined;
}

export function compare(result: WorkloadResult): Comparison | undefined {
  const ours = result.cases.find((entry) => entry.ours === 'primary');
  const peers = result.cases.filter((entry) => result.workload.reference.includes(entry.client));
  const peer = peers.reduce<CaseResult | undefined>(
    (best, entry) => (best === undefined || median(entry.rates) > median(best.rates) ? entry : best),
    undefined,
  );
  if (ours === undefined || peer === undefined) return undefined;
  const ratio = pairedRatio(ours, peer);
  const target = result.workload.target;
  return {
    ours,
    peer,
    ratio,
    ratioOfMedians: median(ours.rates) / median(peer.rates),
    cpuRatio: median(peer.cpu) / median(ours.cpu),
    met: target === undefined ? undefined : ratio >= target.minRatio,
  };
}

/** workload | client | rate (median) | unit | spread | CPU | ratio vs reference peer | target met? */
export function renderTable(results: readonly WorkloadResult[]): string {
  const lines = [
    '| workload | client | rate (median) | unit | spread (min–max) | client CPU µs/unit | ratio vs reference peer | target met? |',
    '| --- | --- | ---: | --- | --- | ---: | --- | --- |',
  ];
  for (const result of results) {
    const comparison = compare(result);
    const target = result.workload.target;
    for (const entry of result.cases) {
      let ratio = '';
      let verdict = '';
      if (comparison !== undefined) {
        if (entry === comparison.ours) {
          ratio = `${times(comparison.ratio)} (ours ÷ ${comparison.peer.client})`;
          if (target !== undefined) verdict = `${comparison.met ? 'yes' : '**NO**'} (${target.text})`;
          else verdict = 'no target';
        } else if (entry.ours === 'variant') {
          ratio = `${times(pairedRatio(entry, comparison.peer))} (this ÷ ${comparison.peer.client})`;
        } else {
          ratio = `${times(pairedRatio(comparison.ours, entry))} (ours ÷ this)`;
          if (entry === comparison.peer) verdict = 'reference peer';
        }
      }
      const name = entry.ours === undefined ? entry.client : `**${entry.client}**`;
      const spread = `${rate(Math.min(...entry.rates))}–${rate(Math.max(...entry.rates))}`;
      lines.push(
        `| ${result.workload.name} | ${name} | ${rate(median(entry.rates))} | ${result.workload.unit} | ${spread} | ${median(entry.cpu).toFixed(2)} | ${ratio} | ${verdict} |`,
      );
    }
  }
  return lines.join('\n');
}

/** One line per workload with a target: the verdict and the other views of the same comparison. */
export function renderTargets(results: readonly WorkloadResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const comparison = compare(result);
    const target = result.workload.target;
    if (comparison === undefined || target === undefined) continue;
    lines.push(
      `- ${result.workload.name}: ${target.text} → ${comparison.met ? 'met' : 'MISSED'}; ` +
        `ours ÷ ${comparison.peer.client} = ${times(comparison.ratio)} (median of per-round ratios), ` +
        `${times(comparison.ratioOfMedians)} (ratio of medians); ` +
        `client CPU per unit, peer ÷ ours = ${times(comparison.cpuRatio)}`,
    );
  }
  return lines.join('\n');
}
