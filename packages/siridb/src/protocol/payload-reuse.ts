/**
 * The buffer of the last insert the server answered, kept for the next insert to write into.
 *
 * A large insert payload needs a fresh buffer of its own, and every new page of it faults once
 * when first written: measured on a VM, those faults cost more than encoding the points. The
 * buffer of an insert the server has answered is no longer read by anything (the socket wrote it
 * all before the answer could come, and an answered insert is never sent again), so the next
 * insert can take its pages, already mapped. One buffer is kept, up to `MAX_KEPT_BYTES`.
 * @internal
 */

/** Larger buffers are left to the garbage collector: one rare huge insert should not pin memory. */
const MAX_KEPT_BYTES = 8 << 20;

let kept: Buffer | undefined;

/** A buffer of at least `minBytes` that an answered insert left, or `undefined`. */
export function takeAnsweredBuffer(minBytes: number): Buffer | undefined {
  const buffer = kept;
  if (buffer === undefined || buffer.length < minBytes) return undefined;
  kept = undefined;
  return buffer;
}

/**
 * Gives back the whole buffer behind `payload` once the server answered its insert. Only for a
 * payload the encoder marked as owning its buffer, and only when nothing will read it again.
 */
export function giveAnsweredBuffer(payload: Buffer): void {
  const whole = payload.buffer;
  if (whole.byteLength > MAX_KEPT_BYTES || (kept !== undefined && kept.length >= whole.byteLength)) return;
  kept = Buffer.from(whole, 0, whole.byteLength);
}
