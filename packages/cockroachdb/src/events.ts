import { createEventPublisher, type EventPublisher } from '@conn/core';
import { maskSecrets } from './sql/mask-secrets.js';

/** Default publisher: channels `conn:cockroachdb:<event>`. */
export const defaultEvents: EventPublisher = createEventPublisher('cockroachdb');

const MAX_EVENT_SQL = 2_000;

/**
 * The statement text as published in events: secrets in literals masked (see `maskSecrets`; bound
 * values never leave), then long text cut. Masking comes first so a cut never splits a secret.
 */
export function eventSql(text: string): string {
  const masked = maskSecrets(text);
  return masked.length > MAX_EVENT_SQL ? `${masked.slice(0, MAX_EVENT_SQL)}…` : masked;
}
