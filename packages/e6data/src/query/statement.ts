/** A statement ready to send: trimmed, one trailing `;` dropped (as the connector does). */
export function normalizeStatement(sql: string): string {
  const trimmed = sql.trim();
  return trimmed.endsWith(';') ? trimmed.slice(0, -1).trimEnd() : trimmed;
}

/** Leading comments and whitespace, so the first keyword can be read. */
const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const READ_ONLY = /^(?:select|with|show|describe|desc|explain|values|table)\b/i;

/**
 * True when the statement only reads (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, VALUES): running it
 * twice changes nothing, so it may be run again after a strategy switch or a lost session. Any
 * other statement counts as a write: once sent, it is never re-sent.
 */
export function isReadOnlyStatement(sql: string): boolean {
  return READ_ONLY.test(sql.replace(LEADING_NOISE, ''));
}
