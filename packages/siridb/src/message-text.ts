/**
 * How text from users (series names, values, query text) and text the server echoes back appear in
 * error messages: quoted, with control characters and lone surrogates escaped, and cut to a short
 * prefix plus the length, so a 10 MB name never ends up in a message, a log line or `details`.
 */

/** UTF-16 units of a user's text kept in a message. */
export const SHOWN_CHARS = 64;

/** Most characters kept of a server's `error_msg` (SiriDB 2.0.55 never sends more than 1023). */
export const SERVER_MESSAGE_CHARS = 1024;

/** `text` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair. */
function prefix(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A user's text as a message shows it: JSON-quoted (NUL, newlines, quotes and lone surrogates
 * escaped), and beyond {@link SHOWN_CHARS} the first ones, `…` and the length:
 * `"aaaa…"… (10485760 chars)`.
 */
export function shownText(text: string): string {
  if (text.length <= SHOWN_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(prefix(text, SHOWN_CHARS))}… (${text.length} chars)`;
}

/** A quoted part of a server message longer than {@link SHOWN_CHARS}, closed or running to the end. */
const LONG_QUOTED_PART = new RegExp(`(['"])((?:(?!\\1)[\\s\\S]){${SHOWN_CHARS + 1},})(\\1|$)`, 'g');

/**
 * A server's error message as our error message shows it. SiriDB echoes names, users and regexes
 * in quotes (`User 'x…' does not exist.`); each quoted part longer than {@link SHOWN_CHARS} is cut to
 * its first characters and its length (`N+` when the server had already cut the message inside
 * it). The result is at most about {@link SERVER_MESSAGE_CHARS} long.
 */
export function shownServerMessage(message: string): string {
  const head = prefix(message, SERVER_MESSAGE_CHARS);
  const shown = head.replace(LONG_QUOTED_PART, (_part, quote: string, inner: string, close: string) => {
    const length = close === '' ? `${inner.length}+` : `${inner.length}`;
    return `${quote}${prefix(inner, SHOWN_CHARS)}…${quote} (${length} chars)`;
  });
  return head.length === message.length ? shown : `${shown}… (${message.length} chars)`;
}

/** A server's `error_msg` as kept in `serverMessage`: whole up to {@link SERVER_MESSAGE_CHARS}. */
export function cappedServerMessage(message: string): string {
  if (message.length <= SERVER_MESSAGE_CHARS) return message;
  return `${prefix(message, SERVER_MESSAGE_CHARS)}… (${message.length} chars)`;
}
