/** What a fault matches: a RegExp tested against the statement text, or text compared loosely. */
export type StatementMatch = RegExp | string;

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
