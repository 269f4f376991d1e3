/**
 * Text SiriDB cannot carry as it is, refused on the client before anything is sent.
 *
 * Observed on a SiriDB 2.0.55 server: it ends every text at a NUL
 * character. Series names `a\0x` and `a\0y` become the one series `a`, a string value `ab\0cd` is
 * stored as `ab`, and a query is run only up to its first NUL, so a name that closes the quote,
 * adds a regex matching every series and ends in NUL turns `drop series "<name>"` into a drop of
 * every series.
 * A lone UTF-16 surrogate cannot be encoded as UTF-8: it would be sent, and stored, as U+FFFD.
 */
import { ConfigError } from '@conn/core';

/** `String.prototype.isWellFormed` (ES2024, in Node 20); the project's TypeScript lib is ES2023. */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/** Index of the first lone surrogate in `text`, or -1. Only run once a text is known to have one. */
function loneSurrogateIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else return i;
  }
  return -1;
}

/** True when `text` can be sent as it is: no NUL and no lone surrogate. One `indexOf`, one `isWellFormed`. */
export function isSafeText(text: string): boolean {
  return text.indexOf('\0') === -1 && (text as unknown as WellFormedCheck).isWellFormed();
}

/**
 * Why `text` cannot be sent, as a `ConfigError`, or `undefined` when it can: `CONN_SIRIDB_NUL` for
 * a NUL character, `CONN_SIRIDB_LONE_SURROGATE` for a lone UTF-16 surrogate. `what` starts the
 * message (`the query`, `series "cpu": the name`); `field` goes to `error.field`. The message and
 * `details.index` say where, never the text itself. Cheap when the text is fine: one `indexOf` and
 * one `isWellFormed`.
 */
export function unsafeTextError(text: string, what: string, field: string): ConfigError | undefined {
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    return new ConfigError(
      `${what} contains a NUL character (at index ${nul}): SiriDB ends text at NUL and would drop or merge what follows`,
      { code: 'CONN_SIRIDB_NUL', field, details: { index: nul } },
    );
  }
  if ((text as unknown as WellFormedCheck).isWellFormed()) return undefined;
  const index = loneSurrogateIndex(text);
  return new ConfigError(
    `${what} contains a lone UTF-16 surrogate (at index ${index}): it cannot be sent as UTF-8 and SiriDB would store U+FFFD`,
    { code: 'CONN_SIRIDB_LONE_SURROGATE', field, details: { index } },
  );
}

/** Throws {@link unsafeTextError}'s error when `text` cannot be sent. */
export function refuseUnsafeText(text: string, what: string, field: string): void {
  const error = unsafeTextError(text, what, field);
  if (error !== undefined) throw error;
}
