import { ConfigError } from '@conn/core';

/**
 * The rows of one select: an async iterable (`for await`), read as they arrive, plus `toArray()`
 * and `first()`. Nothing is sent before the rows are first read, and the rows can be read once.
 * The pooled connection goes back when the iteration ends, breaks or throws.
 */
export class ZTeraDBRows<Row> implements AsyncIterable<Row> {
  readonly #open: () => AsyncIterator<Row>;
  #used = false;

  /** @internal Made by `ZTeraDBClient.run()`. */
  constructor(open: () => AsyncIterator<Row>) {
    this.#open = open;
  }

  [Symbol.asyncIterator](): AsyncIterator<Row> {
    if (this.#used) {
      throw new ConfigError('ZTeraDB rows can be read only once: call run() again', {
        code: 'CONN_ZTERADB_ROWS_READ',
        field: 'rows',
      });
    }
    this.#used = true;
    return this.#open();
  }

  /** Every row, in order. */
  async toArray(): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const row of this) rows.push(row);
    return rows;
  }

  /**
   * The first row, or `undefined` for none. The rest of the answer is read and dropped when it is
   * short (the connection is kept), else cancelled (the connection is replaced).
   */
  async first(): Promise<Row | undefined> {
    for await (const row of this) return row;
    return undefined;
  }
}
