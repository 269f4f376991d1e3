import { createEventPublisher, type EventPublisher, isConnError } from '@conn/core';
import type pg from 'pg';
import type { Statement } from './sql/statement.js';

/** Default publisher: channels `conn:cockroachdb:<event>`. */
export const defaultEvents: EventPublisher = createEventPublisher('cockroachdb');

// Statement text can carry secrets in literals (CREATE ROLE … PASSWORD '…'); values never leave.
const PASSWORD_LITERAL = /(PASSWORD\s+)'(?:[^']|'')*'/gi;
const MAX_EVENT_SQL = 2_000;

/** The statement text as published in events: password literals masked, long text cut. */
export function eventSql(text: string): string {
  const masked = text.replace(PASSWORD_LITERAL, "$1'[redacted]'");
  return masked.length > MAX_EVENT_SQL ? `${masked.slice(0, MAX_EVENT_SQL)}…` : masked;
}

/**
 * Runs a statement and publishes `query:start`, then `query:end` (duration, rows) or `query:error`
 * (duration, code, sqlstate). Without subscribers it costs three boolean checks and no async frame.
 */
export function instrumented(
  events: EventPublisher,
  statement: Statement,
  run: () => Promise<pg.QueryResult>,
): Promise<pg.QueryResult> {
  if (
    !events.hasSubscribers('query:start') &&
    !events.hasSubscribers('query:end') &&
    !events.hasSubscribers('query:error')
  ) {
    return run();
  }
  return observed(events, statement, run);
}

async function observed(
  events: EventPublisher,
  statement: Statement,
  run: () => Promise<pg.QueryResult>,
): Promise<pg.QueryResult> {
  const started = performance.now();
  events.publish('query:start', () => ({
    sql: eventSql(statement.text),
    parameterCount: statement.values.length,
  }));
  try {
    const result = await run();
    events.publish('query:end', () => ({
      sql: eventSql(statement.text),
      durationMs: performance.now() - started,
      rowCount: result.rowCount,
      command: result.command,
    }));
    return result;
  } catch (error) {
    events.publish('query:error', () => ({
      sql: eventSql(statement.text),
      durationMs: performance.now() - started,
      code: isConnError(error) ? error.code : 'UNKNOWN',
      sqlstate: (error as { sqlstate?: string }).sqlstate,
    }));
    throw error;
  }
}
