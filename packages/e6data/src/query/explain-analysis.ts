import type { ExplainAnalyzeResponse } from '../protocol/messages.js';
import { int64ToBigInt } from '../protocol/messages.js';

/** What `explainAnalyse()` returns: the engine's timings and its planner's report. */
export interface ExplainAnalysis {
  /** The result came from the engine's cache. */
  readonly isCached: boolean;
  /** Parsing and queueing times the response carries, ms. */
  readonly parsingTimeMs: number;
  readonly queueingTimeMs: number;
  /** The planner's report, parsed (it is JSON text on the wire); the text itself when not JSON. */
  readonly planner: unknown;
  /** The planner's report as sent. */
  readonly plannerText: string;
  /** The planner's `total_query_time`, ms, when it reports one. */
  readonly totalQueryTimeMs: number | undefined;
  /** The planner's `executionQueueingTime`, ms, when it reports one. */
  readonly executionQueueingTimeMs: number | undefined;
  /** The planner's `parsingTime`, ms, when it reports one. */
  readonly plannerParsingTimeMs: number | undefined;
}

/** The analysis from an `ExplainAnalyzeResponse`. */
export function explainAnalysisOf(answer: ExplainAnalyzeResponse): ExplainAnalysis {
  const plannerText = answer.explainAnalyze ?? '';
  let planner: unknown = plannerText;
  try {
    planner = JSON.parse(plannerText);
  } catch {
    // Kept as text: the report is the engine's, and not every version sends JSON.
  }
  const field = (name: string): number | undefined => {
    if (typeof planner !== 'object' || planner === null) return undefined;
    const value = (planner as Record<string, unknown>)[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  return {
    isCached: answer.isCached === true,
    parsingTimeMs: Number(int64ToBigInt(answer.parsingTime)),
    queueingTimeMs: Number(int64ToBigInt(answer.queueingTime)),
    planner,
    plannerText,
    totalQueryTimeMs: field('total_query_time'),
    executionQueueingTimeMs: field('executionQueueingTime'),
    plannerParsingTimeMs: field('parsingTime'),
  };
}
