/** What a rule matches: a RegExp tested against the statement text, or text compared loosely. */
export type StatementMatch = RegExp | string;

/** Answer the next matching statement with this error. */
export interface InjectErrorRule {
  readonly match: StatementMatch;
  readonly sqlstate: string;
  /** Default: `injected error <sqlstate>`. */
  readonly message?: string | undefined;
  /** How many statements it applies to. Default 1. */
  readonly times?: number | undefined;
  /**
   * Run the statement on PostgreSQL first and discard its answer, then send the error: the way to
   * produce "40003 at COMMIT", where the commit did happen but the client is told it is ambiguous.
   */
  readonly relayFirst?: boolean | undefined;
}

/** Cut the client's connection at the next matching statement. */
export interface KillConnectionRule {
  readonly match: StatementMatch;
  /** `before`: the statement never runs; `after`: it ran (e.g. really committed), its answer is lost. */
  readonly phase: 'before' | 'after';
  readonly times?: number | undefined;
}

/** Loose comparison: trimmed, whitespace collapsed, case-insensitive. */
export function normalizeStatement(text: string): string {
  return text.trim().replace(/\s+/g, ' ').replace(/;$/, '').toLowerCase();
}

export function statementMatches(match: StatementMatch, text: string): boolean {
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(text.trim());
  }
  return normalizeStatement(match) === normalizeStatement(text);
}

/** A rule with its remaining uses. */
export class RuleList<T extends { match: StatementMatch; times?: number | undefined }> {
  private readonly entries: { rule: T; left: number }[] = [];

  add(rule: T): void {
    this.entries.push({ rule, left: rule.times ?? 1 });
  }

  /** Takes one use of the first rule matching `text`. */
  take(text: string): T | undefined {
    const entry = this.entries.find(
      (candidate) => candidate.left > 0 && statementMatches(candidate.rule.match, text),
    );
    if (entry === undefined) return undefined;
    entry.left--;
    return entry.rule;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
