import Cursor from 'pg-cursor';

interface DataRowMessage {
  /** The DataRow message's length on the wire, in bytes. */
  readonly length: number;
}

interface DataRowHandler {
  handleDataRow(message: DataRowMessage): void;
}

const parentHandler = (Cursor.prototype as unknown as DataRowHandler).handleDataRow;

/** A `pg-cursor` that counts the wire bytes of the rows it received, to size the next read. */
export class MeasuredCursor<T> extends Cursor<T> {
  /** Wire bytes of every DataRow received so far. */
  bytesRead = 0;

  handleDataRow(message: DataRowMessage): void {
    this.bytesRead += message.length;
    parentHandler.call(this, message);
  }
}
