import type { Socket } from 'node:net';
import { type JsonObject, ResponseCode, zteradbJsonCodec } from '../protocol/index.js';

const codec = zteradbJsonCodec();

/** Encodes one response frame with the shared codec. */
export function encodeFrame(frame: JsonObject): Buffer {
  return codec.encode(frame, undefined) as Buffer;
}

/** `{error: false, response_code, data}`. */
export function dataFrame(responseCode: number, data: JsonObject): JsonObject {
  return { error: false, response_code: responseCode, data };
}

/** The end of every response stream. */
export const QUERY_COMPLETE_FRAME: JsonObject = dataFrame(ResponseCode.QUERY_COMPLETE, {});

/** An error frame: `{error: true, response_code, data: {zteradb_error}}`. */
export function errorFrame(responseCode: number, message: string): JsonObject {
  return { error: true, response_code: responseCode, data: { zteradb_error: message } };
}

/**
 * Writes a frame and, when the socket's buffer is full, waits for it to drain (or close), so a
 * million-row select streams with bounded memory. Resolves `false` once the socket is gone.
 */
export function writeFrame(socket: Socket, frame: JsonObject): Promise<boolean> {
  return writeBytes(socket, encodeFrame(frame));
}

/** Writes encoded bytes as {@link writeFrame} writes a frame. */
export async function writeBytes(socket: Socket, bytes: Buffer): Promise<boolean> {
  if (socket.destroyed || socket.writableEnded) return false;
  if (socket.write(bytes)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
  return !socket.destroyed;
}
