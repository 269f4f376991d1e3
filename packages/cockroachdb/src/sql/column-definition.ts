import { ConfigError } from '@conn/core';

/**
 * Checks a column definition such as `UUID PRIMARY KEY DEFAULT gen_random_uuid()`. Definitions are
 * SQL by nature, so they cannot be bound; what is refused is anything that could end the statement
 * or hide the rest of it: `;`, comments, NUL, unbalanced quotes or parentheses.
 */
export function checkColumnDefinition(definition: string, field: string): string {
  if (typeof definition !== 'string' || definition.trim().length === 0) {
    throw new ConfigError(`${field} must be a non-empty SQL column definition`, { field });
  }
  let depth = 0;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < definition.length; i++) {
    const char = definition[i];
    const next = definition[i + 1];
    if (char === '\u0000') throw new ConfigError(`${field} must not contain NUL`, { field });
    if (quote !== undefined) {
      if (char === quote) {
        if (next === quote) i++;
        else quote = undefined;
      }
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth < 0) throw new ConfigError(`${field} has an unbalanced ')'`, { field });
    } else if (char === ';') throw new ConfigError(`${field} must not contain ';'`, { field });
    else if ((char === '-' && next === '-') || (char === '/' && next === '*')) {
      throw new ConfigError(`${field} must not contain comments`, { field });
    } else if (char === '$')
      throw new ConfigError(`${field} must not contain '$' (dollar quoting or parameters)`, { field });
  }
  if (quote !== undefined) throw new ConfigError(`${field} has an unterminated ${quote} quote`, { field });
  if (depth !== 0) throw new ConfigError(`${field} has an unbalanced '('`, { field });
  return definition.trim();
}
