// pg ships no types for its value serialiser; COPY uses it so rows encode exactly as parameters do.
declare module 'pg/lib/utils.js' {
  const utils: {
    /** pg's text form of a parameter: a string, a Buffer for bytes, or null. */
    prepareValue(value: unknown): string | Buffer | null;
  };
  export default utils;
}
