/**
 * How one protocol cuts a byte stream into frames and turns frames into messages. A codec is pure:
 * no sockets, no timers, no state shared between calls.
 *
 * @typeParam Req - what callers send ({@link FrameCodec.encode} turns it into bytes).
 * @typeParam Res - what one received frame decodes to.
 */
export interface FrameCodec<Req, Res> {
  /**
   * Largest whole frame (header included) the peer may send. A longer frame fails the connection
   * with a `ProtocolError` whose code is `CONN_FRAME_TOO_LARGE`, before its body is buffered.
   */
  readonly maxFrameBytes: number;
  /**
   * The length in bytes of the whole frame (header included) that starts at `buffered[0]`, or
   * `undefined` while too few bytes have arrived to know it. `buffered` may hold only part of the
   * header, or more than one frame.
   * @throws ProtocolError when the header is invalid (for example SiriDB's check byte).
   */
  frameLength(buffered: Buffer): number | undefined;
  /**
   * Optional: {@link frameLength} of the frame starting at `buffered[offset]`. A reader cutting
   * many small frames out of one chunk then needs no view of the chunk's rest for each header.
   */
  frameLengthAt?(buffered: Buffer, offset: number): number | undefined;
  /**
   * Decodes one whole frame, header included. The buffer may share memory with the socket's
   * chunk: copy it before keeping a slice of it for long.
   * @throws ProtocolError (or any error, which the connection wraps in one) for a malformed frame.
   */
  decode(frame: Buffer): Res;
  /**
   * Optional: {@link decode} of the frame at `source[start..end)` (header included), so that a
   * connection reading many small frames makes no view of each. Must decode exactly as `decode`
   * does; keep no reference to `source` past the call without copying.
   */
  decodeAt?(source: Buffer, start: number, end: number): Res;
  /**
   * Encodes one request. `id` is the correlation id chosen by the connection in `by-id` mode and
   * `undefined` in `in-order` mode. Several buffers are written back to back without copying.
   */
  encode(request: Req, id: number | undefined): Buffer | Buffer[];
}
