import { ConfigError } from '@conn/core';

/**
 * The error of a COPY statement given to `stream()`: a COPY answers with COPY messages, not rows,
 * and owns the session's wire until it ends, so only copyFrom/copyTo can run one.
 */
export function copyInStreamError(): ConfigError {
  return new ConfigError('stream() cannot run a COPY statement: use copyFrom() or copyTo()', {
    field: 'sql',
  });
}

/** True when a CommandComplete closes a COPY (its tag is `COPY n`). */
export function isCopyComplete(message: unknown): boolean {
  const text = (message as { text?: unknown } | null)?.text;
  return typeof text === 'string' && text.startsWith('COPY');
}
