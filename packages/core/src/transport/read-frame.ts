import type { Socket } from 'node:net';
import { abortReason } from '../abort.js';
import { ConnectionError, isConnError, ProtocolError } from '../errors/index.js';
import type { FrameCodec } from './frame-codec.js';
import { FrameReader } from './frame-reader.js';

/**
 * Reads exactly one frame from a socket that no {@link FramedConnection} owns yet, for handshakes
 * such as ApertureDB's cleartext hello. Bytes received past that frame are pushed back onto the
 * socket (`unshift`), so the next reader, a TLS upgrade included, sees them. The socket is left
 * paused; it is never destroyed here.
 *
 * @throws ConnectionError `CONN_CONNECTION_CLOSED` when the socket ends or fails first,
 * ProtocolError for a bad or oversized frame, and the signal's `ConnError` when it aborts.
 */
export function readFrame<Res>(
  socket: Socket,
  codec: FrameCodec<never, Res>,
  signal?: AbortSignal,
): Promise<Res> {
  if (signal?.aborted) return Promise.reject(abortReason(signal, 'read'));
  return new Promise<Res>((resolve, reject) => {
    const reader = new FrameReader(codec);
    const finish = (error: unknown, frame?: Buffer): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      signal?.removeEventListener('abort', onAbort);
      socket.pause();
      const rest = reader.takeRemaining();
      if (rest.length > 0 && !socket.destroyed) socket.unshift(rest);
      if (frame === undefined) {
        reject(error);
        return;
      }
      try {
        resolve(codec.decode(frame));
      } catch (decodeError) {
        reject(
          isConnError(decodeError)
            ? decodeError
            : new ProtocolError('malformed frame', { cause: decodeError }),
        );
      }
    };
    const onData = (chunk: Buffer): void => {
      reader.push(chunk);
      let frame: Buffer | undefined;
      try {
        frame = reader.next();
      } catch (error) {
        finish(error);
        return;
      }
      if (frame !== undefined) finish(undefined, frame);
    };
    const onError = (error: Error): void => {
      finish(new ConnectionError(`socket failed while reading: ${error.message}`, { cause: error }));
    };
    const onEnd = (): void => {
      finish(
        new ConnectionError('connection closed by the peer while reading a frame', {
          code: 'CONN_CONNECTION_CLOSED',
        }),
      );
    };
    const onAbort = (): void => finish(abortReason(signal as AbortSignal, 'read'));
    if (socket.destroyed || socket.readableEnded) {
      onEnd();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('data', onData);
    socket.resume(); // a socket paused by an earlier read does not flow again by itself
  });
}
