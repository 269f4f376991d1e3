interface ConsumerWaiter<Row> {
  resolve(result: IteratorResult<Row, undefined>): void;
  reject(error: unknown): void;
}

/**
 * The hand-over between the task that reads a select's answer (the producer, running as one call
 * with one deadline) and the caller's `for await` (the consumer). The producer pushes rows; once
 * `highWaterMark` rows wait unread it awaits {@link room}, so a slow consumer slows the socket
 * instead of filling memory. A failure reaches the consumer after the rows received before it.
 * When the consumer leaves early ({@link return}), the producer sees {@link consumerLeft} and ends
 * the answer on the server. @internal
 */
export class RowFeed<Row> implements AsyncIterableIterator<Row, undefined> {
  readonly #highWaterMark: number;
  #rows: Row[] = [];
  #head = 0;
  #waiter: ConsumerWaiter<Row> | undefined;
  #wakeProducer: (() => void) | undefined;
  #ended = false;
  #failure: { readonly error: unknown } | undefined;
  #consumerLeft = false;
  #pushed = 0;

  constructor(highWaterMark: number) {
    this.#highWaterMark = highWaterMark;
  }

  /** Rows handed over so far (a retry is safe only before the first). */
  get pushed(): number {
    return this.#pushed;
  }

  /** True once the consumer stopped reading (`break`, `return()`, a throw in the loop). */
  get consumerLeft(): boolean {
    return this.#consumerLeft;
  }

  /** Producer: hands one row over. `false` means the consumer is behind: await {@link room} first. */
  push(row: Row): boolean {
    if (this.#ended || this.#consumerLeft) return true;
    this.#pushed += 1;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ value: row, done: false });
      return true;
    }
    this.#rows.push(row);
    return this.#rows.length - this.#head < this.#highWaterMark;
  }

  /** Producer: hands rows over in order; `false` as for {@link push}. */
  pushAll(rows: readonly Row[]): boolean {
    let room = true;
    for (const row of rows) room = this.push(row);
    return room;
  }

  /** Producer: resolves once the consumer has read half the waiting rows, left, or the feed ended. */
  room(): Promise<void> {
    if (this.#ended || this.#consumerLeft || this.#buffered() <= this.#highWaterMark / 2) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#wakeProducer = resolve;
    });
  }

  /** Producer: the answer is over; the consumer reads what is left, then `done`. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settleWaiter();
    this.#wake();
  }

  /** Producer: the answer failed; the consumer reads what is left, then gets `error`. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = { error };
    this.#settleWaiter();
    this.#wake();
  }

  next(): Promise<IteratorResult<Row, undefined>> {
    if (this.#buffered() > 0) {
      const value = this.#rows[this.#head] as Row;
      this.#rows[this.#head] = undefined as Row;
      this.#head += 1;
      if (this.#head === this.#rows.length) {
        this.#rows = [];
        this.#head = 0;
      } else if (this.#head >= this.#highWaterMark) {
        // A loop that never quite catches up would otherwise grow the array by a slot per row.
        this.#rows = this.#rows.slice(this.#head);
        this.#head = 0;
      }
      if (this.#wakeProducer !== undefined && this.#buffered() <= this.#highWaterMark / 2) this.#wake();
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended || this.#consumerLeft) return this.#finalResult();
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Consumer: stops reading; rows not read are dropped and the producer is told. */
  return(): Promise<IteratorResult<Row, undefined>> {
    this.#consumerLeft = true;
    this.#rows = [];
    this.#head = 0;
    this.#failure = undefined;
    this.#wake();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #buffered(): number {
    return this.#rows.length - this.#head;
  }

  #finalResult(): Promise<IteratorResult<Row, undefined>> {
    const failure = this.#failure;
    if (failure === undefined) return Promise.resolve({ value: undefined, done: true });
    // The error is told once; later reads see the end.
    this.#failure = undefined;
    return Promise.reject(failure.error);
  }

  /** A consumer waiting with nothing buffered gets the end or the error now. */
  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    this.#finalResult().then(waiter.resolve, waiter.reject);
  }

  #wake(): void {
    const wake = this.#wakeProducer;
    this.#wakeProducer = undefined;
    wake?.();
  }
}
