import { ConfigError } from '@conn/core';

/**
 * A table (or other object) name: one identifier, or a path such as `['app', 'users']` for
 * `"app"."users"`. A string is always ONE identifier, never split at dots: `'a.b'` is the table
 * named `a.b`, so a name can never smuggle in a schema or SQL.
 */
export type ObjectName = string | readonly string[];

// PostgreSQL truncates identifiers longer than 63 bytes; refusing them keeps names exact.
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Quotes one identifier: wrapped in double quotes with embedded quotes doubled. Rejects empty
 * names, NUL characters and names over 63 bytes with a `ConfigError` naming `field`.
 */
export function quoteIdentifier(name: string, field = 'identifier'): string {
  if (typeof name !== 'string') {
    throw new ConfigError(`${field} must be a string, got ${typeof name}`, { field });
  }
  if (name.length === 0) throw new ConfigError(`${field} must not be empty`, { field });
  if (name.includes('\u0000')) throw new ConfigError(`${field} must not contain NUL characters`, { field });
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new ConfigError(`${field} is longer than ${MAX_IDENTIFIER_BYTES} bytes`, { field });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a possibly qualified name: `['app', 'users']` gives `"app"."users"`. */
export function quoteObjectName(name: ObjectName, field = 'table'): string {
  if (typeof name === 'string') return quoteIdentifier(name, field);
  if (!Array.isArray(name) || name.length === 0 || name.length > 3) {
    throw new ConfigError(`${field} must be a name or a path of 1 to 3 names`, { field });
  }
  return name.map((part) => quoteIdentifier(part, field)).join('.');
}
