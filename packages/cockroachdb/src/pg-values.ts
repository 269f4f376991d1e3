import pg from 'pg';

/**
 * pg's own text form of a bound parameter (a string, a Buffer for bytes, or null), from the
 * `utils` of its default export: COPY rows and streamed statements send values exactly as `query()`
 * binds them. pg ships no types for it.
 */
export const prepareValue: (value: unknown) => string | Buffer | null = (
  pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }
).utils.prepareValue;
