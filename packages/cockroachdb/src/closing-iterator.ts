/**
 * A hand-written async iterator over something that must be released however the loop ends:
 * `break`/`return` and `throw` close it before they settle. Subclasses give `next()` and `close()`
 * (idempotent). Hand-written rather than an async generator: values already at hand are handed
 * out without the generator machinery.
 */
export abstract class ClosingIterator<T> implements AsyncIterableIterator<T> {
  abstract next(): Promise<IteratorResult<T, undefined>>;

  /** Releases what the iterator holds; called on every way out, possibly more than once. */
  protected abstract close(): Promise<void>;

  [Symbol.asyncIterator](): this {
    return this;
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.close();
    throw error;
  }
}
