import type { ConnError } from '../errors/index.js';

/** What a {@link ResponseStream} asks of the connection that feeds it. @internal */
export interface ResponseSource {
  /** The consumer asked for the first frame: send the request now. */
  start(): void;
  /** The consumer took a frame; `buffered` frames are left (the connection may resume reading). */
  consumed(buffered: number): void;
  /** The consumer stopped before the last frame (`break`, `return()`). */
  cancel(): void;
}

interface Waiter<Res> {
  resolve(result: IteratorResult<Res, undefined>): void;
  reject(error: unknown): void;
}

/**
 * The frames of one multi-frame answer, as {@link FramedConnection.requestStream} returns them: an
 * async iterator, plus {@link takeBuffered} for a consumer that handles frames in batches.
 */
export interface FrameStream<Res> extends AsyncIterableIterator<Res, undefined> {
  /**
   * Every frame received and not yet taken, at once and without waiting (an empty array when
   * none). A failure or the end still comes from the next `next()`. One promise per batch instead
   * of one per frame: what a consumer of many small frames uses after each `next()`.
   */
  takeBuffered(): Res[];
}

/**
 * The consumer side of a multi-frame answer: an async iterator over frames pushed by the
 * connection. Nothing is sent before the first `next()`. Frames received before a connection
 * failure are still yielded before the error; a timeout or abort is thrown at once.
 * @internal
 */
export class ResponseStream<Res> implements FrameStream<Res> {
  readonly #source: ResponseSource;
  #buffer: Res[] = [];
  #head = 0;
  #waiters: Waiter<Res>[] = [];
  #started = false;
  /** The last frame was pushed (or the consumer left): nothing more will be pushed. */
  #ended = false;
  #error: ConnError | undefined;

  constructor(source: ResponseSource) {
    this.#source = source;
  }

  /** Frames received and not yet taken by the consumer. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** Called by the connection for each frame of the answer; `last` ends the stream. */
  push(value: Res, last: boolean): void {
    if (this.#ended) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value, done: false });
    else this.#buffer.push(value);
    if (last) this.#end();
  }

  /**
   * Ends the stream with an error. With `immediate`, frames still buffered are dropped;
   * otherwise the consumer gets them first.
   */
  fail(error: ConnError, immediate: boolean): void {
    if (this.#ended) return;
    if (immediate) this.#clear();
    this.#ended = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    // Waiters exist only when nothing is buffered: they take the error, else the next next() does.
    if (waiters.length === 0) this.#error = error;
    for (const waiter of waiters) waiter.reject(error);
  }

  next(): Promise<IteratorResult<Res, undefined>> {
    if (!this.#started) {
      this.#started = true;
      this.#source.start();
    }
    if (this.buffered > 0) {
      const value = this.#buffer[this.#head] as Res;
      this.#buffer[this.#head] = undefined as Res;
      this.#head += 1;
      if (this.#head === this.#buffer.length) this.#clear();
      else if (this.#head >= 64 && this.#head * 2 >= this.#buffer.length) {
        this.#buffer.splice(0, this.#head);
        this.#head = 0;
      }
      this.#source.consumed(this.buffered);
      return Promise.resolve({ value, done: false });
    }
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  takeBuffered(): Res[] {
    if (this.buffered === 0) return [];
    const taken = this.#head === 0 ? this.#buffer : this.#buffer.slice(this.#head);
    this.#buffer = [];
    this.#head = 0;
    this.#source.consumed(0);
    return taken;
  }

  return(): Promise<IteratorResult<Res, undefined>> {
    const wasRunning = this.#started && !this.#ended;
    this.#started = true;
    this.#error = undefined;
    this.#clear();
    this.#end();
    if (wasRunning) this.#source.cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #end(): void {
    this.#ended = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve({ value: undefined, done: true });
  }

  #clear(): void {
    this.#buffer.length = 0;
    this.#head = 0;
  }
}
