import Cursor from 'pg-cursor';
import { copyInStreamError, isCopyComplete } from './copy-refused.js';

interface DataRowMessage {
  /** The DataRow message's length on the wire, in bytes. */
  readonly length: number;
}

/** The parts of pg-cursor's message handling this class builds on. */
interface CursorHandlers {
  handleDataRow(message: DataRowMessage): void;
  handleCommandComplete(message: unknown): void;
  handleError(error: unknown): void;
}

const parent = Cursor.prototype as unknown as CursorHandlers;

/**
 * A `pg-cursor` that counts the wire bytes of the rows it received, to size the next read, and
 * refuses a COPY statement (pg-cursor has no handlers for COPY messages: pg would throw outside
 * any promise and the session would wait forever).
 */
export class MeasuredCursor<T> extends Cursor<T> {
  /** Wire bytes of every DataRow received so far. */
  bytesRead = 0;
  /** Set once the statement turned out to be a COPY: the read fails with it. */
  private refused: Error | undefined;

  handleDataRow(message: DataRowMessage): void {
    this.bytesRead += message.length;
    parent.handleDataRow.call(this, message);
  }

  /** COPY FROM STDIN: fail it; the server's error then ends the read (pg-cursor sends the Sync). */
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    this.refused ??= copyInStreamError();
    connection.sendCopyFail('COPY FROM STDIN cannot run in stream()');
  }

  /** COPY TO STDOUT: its data is thrown away; the read fails at its CommandComplete. */
  handleCopyData(): void {
    this.refused ??= copyInStreamError();
  }

  handleCommandComplete(message: unknown): void {
    if (!isCopyComplete(message)) {
      parent.handleCommandComplete.call(this, message);
      return;
    }
    // Ends the read as a server error would (Sync, then the portal is closed by closeCursor).
    this.refused ??= copyInStreamError();
    this.handleError(this.refused);
  }

  handleError(error: unknown): void {
    parent.handleError.call(this, this.refused ?? error);
  }
}
