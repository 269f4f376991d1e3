/** How decoded values are represented (docs/protocols/e6data.md §6.4). */
export interface ValueOptions {
  /** LONG: `'auto'` (default) number when safe else bigint, `'bigint'` always, `'number'` always (lossy). */
  readonly int64?: 'auto' | 'bigint' | 'number' | undefined;
  /** DECIMAL128: `'string'` (default) the exact decimal text, or a function applied to that text. */
  readonly decimal?: 'string' | ((text: string) => unknown) | undefined;
  /** BINARY: `'bytes'` (default) a Uint8Array copy, or `'string'` decoded as UTF-8. */
  readonly binary?: 'bytes' | 'string' | undefined;
}
