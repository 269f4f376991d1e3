/**
 * Thrown inside a transaction to abort it: the engine rolls every change back and answers with the
 * top-level error object `{"info": …, "status": -1}` (docs/protocols/aperturedb.md §3, §5.4).
 * It never leaves the engine.
 */
export class TransactionAbort extends Error {
  override readonly name = 'TransactionAbort';
}

export function abort(message: string): never {
  throw new TransactionAbort(message);
}
