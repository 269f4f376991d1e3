import pg from 'pg';
import { toConnError } from './error-mapping.js';

/**
 * pg's own text form of a bound parameter (a string, a Buffer for bytes, or null), from the
 * `utils` of its default export: COPY rows and streamed statements send values exactly as `query()`
 * binds them. pg ships no types for it.
 */
export const prepareValue: (value: unknown) => string | Buffer | null = (
  pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }
).utils.prepareValue;

/**
 * A statement's values in the text form pg binds, mapped before the statement is sent: a value
 * that cannot be sent (a cyclic object, a bigint inside JSON) is a `ConfigError`, never a
 * `TypeError` thrown from inside pg with half a statement written.
 */
export function boundValues(values: readonly unknown[]): (string | Buffer | null)[] {
  try {
    return values.map(prepareValue);
  } catch (error) {
    throw toConnError(error);
  }
}
