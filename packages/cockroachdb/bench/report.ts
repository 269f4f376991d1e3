// The Markdown report: one row per case with its median, spread and ratio, then one line per target.

import { type CaseResult, median, type Target, type WorkloadResult } from './measure.js';

const rate = (value: number): string => Math.round(value).toLocaleString('en-US');
const times = (value: number): string => `${value.toFixed(2)}x`;

/** The median over the rounds of `a` ÷ `b`, each round's pair measured back to back. */
export function pairedRatio(a: CaseResult, b: CaseResult): number {
  return median(a.rates.map((value, round) => value / (b.rates[round] ?? Number.NaN)));
}

/** One case of ours against one peer, three ways. */
export interface Comparison {
  readonly ours: CaseResult;
  readonly peer: CaseResult;
  /**
   * The median of the per-round ratios: what a target is judged on. Pairing cancels the slow
   * swings of a shared 2-CPU machine (whole minutes 30% slower) that move two medians apart.
   */
  readonly ratio: number;
  /** Median rate ÷ median rate. */
  readonly ratioOfMedians: number;
  /** Peer CPU per unit ÷ ours: above 1 means ours spends less client CPU per unit. */
  readonly cpuRatio: number;
}

function primaryOf(result: WorkloadResult): CaseResult | undefined {
  return result.cases.find((entry) => entry.ours === 'primary');
}

/** The fastest (by median) of the workload's reference peers. */
function referenceOf(result: WorkloadResult): CaseResult | undefined {
  const peers = result.cases.filter((entry) => result.workload.reference.includes(entry.client));
  return peers.reduce<CaseResult | undefined>(
    (best, entry) => (best === undefined || median(entry.rates) > median(best.rates) ? entry : best),
    undefined,
  );
}

function comparison(ours: CaseResult, peer: CaseResult): Comparison {
  return {
    ours,
    peer,
    ratio: pairedRatio(ours, peer),
    ratioOfMedians: median(ours.rates) / median(peer.rates),
    cpuRatio: median(peer.cpu) / median(ours.cpu),
  };
}

/** The comparison a target names, or undefined when a case it names is missing. */
export function judge(result: WorkloadResult, target: Target): Comparison | undefined {
  const byName = (name: string | undefined): CaseResult | undefined =>
    name === undefined ? undefined : result.cases.find((entry) => entry.client === name);
  const ours = byName(target.ours) ?? primaryOf(result);
  const peer = byName(target.peer) ?? referenceOf(result);
  return ours === undefined || peer === undefined ? undefined : comparison(ours, peer);
}

/** workload | client | rate (median) | unit | spread | CPU | ratio vs reference peer | targets */
export function renderTable(results: readonly WorkloadResult[]): string {
  const lines = [
    '| workload | client | rate (median) | unit | spread (min–max) | client CPU µs/unit | ratio vs reference peer | targets |',
    '| --- | --- | ---: | --- | --- | ---: | --- | --- |',
  ];
  for (const result of results) {
    const primary = primaryOf(result);
    const reference = referenceOf(result);
    const targets = result.workload.targets ?? [];
    for (const entry of result.cases) {
      let ratio = '';
      if (primary !== undefined && reference !== undefined) {
        const control = controlled(result, entry);
        if (control !== undefined)
          ratio = `${times(pairedRatio(entry, control))} (this ÷ ${control.client}: the same client twice)`;
        else if (entry === reference)
          ratio = `${times(pairedRatio(primary, entry))} (ours ÷ this): reference`;
        else if (entry.ours !== undefined)
          ratio = `${times(pairedRatio(entry, reference))} (this ÷ ${reference.client})`;
        else ratio = `${times(pairedRatio(primary, entry))} (ours ÷ this)`;
      }
      const verdicts = targets
        .map((target) => ({ target, judged: judge(result, target) }))
        .filter(({ judged }) => judged?.ours === entry)
        .map(({ target, judged }) => `${verdictOf(target, judged)} ${target.text}`);
      const name = entry.ours === undefined ? entry.client : `**${entry.client}**`;
      const spread = `${rate(Math.min(...entry.rates))}–${rate(Math.max(...entry.rates))}`;
      lines.push(
        `| ${result.workload.name} | ${name} | ${rate(median(entry.rates))} | ${result.workload.unit} | ${spread} | ${median(entry.cpu).toFixed(2)} | ${ratio} | ${verdicts.join('; ')} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The peer `entry` is a second copy of, when it is a control case. */
function controlled(result: WorkloadResult, entry: CaseResult): CaseResult | undefined {
  if (entry.controlOf === undefined) return undefined;
  return result.cases.find((other) => other.client === entry.controlOf);
}

/** The control case's ratio to its peer, for a target line of a workload that has one, else nothing. */
function noiseNote(result: WorkloadResult): string {
  for (const entry of result.cases) {
    const control = controlled(result, entry);
    if (control !== undefined)
      return `; ${entry.client} ÷ ${control.client} (the same client twice, this run's noise) = ${times(pairedRatio(entry, control))}`;
  }
  return '';
}

function verdictOf(target: Target, judged: Comparison | undefined): string {
  if (judged === undefined) return '(not measured)';
  return judged.ratio >= target.minRatio ? 'met:' : '**MISSED**:';
}

/** One line per target: the verdict and the other views of the same comparison. */
export function renderTargets(results: readonly WorkloadResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const target of result.workload.targets ?? []) {
      const judged = judge(result, target);
      if (judged === undefined) {
        lines.push(`- ${result.workload.name}: ${target.text} → not measured (a case it names is missing)`);
        continue;
      }
      const met = judged.ratio >= target.minRatio;
      const path = target.path === undefined ? '' : ` [CockroachDB/PostgreSQL-specific path: ${target.path}]`;
      lines.push(
        `- ${result.workload.name}: ${target.text} → ${met ? 'met' : 'MISSED'}${path}; ` +
          `${judged.ours.client} ÷ ${judged.peer.client} = ${times(judged.ratio)} (median of per-round ratios), ` +
          `${times(judged.ratioOfMedians)} (ratio of medians); ` +
          `client CPU per unit, peer ÷ ours = ${times(judged.cpuRatio)}${noiseNote(result)}`,
      );
    }
  }
  return lines.join('\n');
}
