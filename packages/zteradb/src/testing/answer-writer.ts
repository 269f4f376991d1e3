/**
 * Writes the frames of one answer to a socket: as fast as the socket takes them, cut off after a
 * number of frames (the socket is then destroyed), or with a pause between frames.
 * @internal
 */
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FRAME_HEADER_BYTES, type JsonObject } from '../protocol/index.js';
import { MALFORMED_BODY } from './faults.js';
import { encodeFrame, writeBytes, writeFrame } from './frame-writer.js';

/** How an answer is paced. */
export type AnswerPacing =
  | { readonly kind: 'normal' }
  | { readonly kind: 'drop-after-frames'; readonly frames: number }
  | { readonly kind: 'slow'; readonly delayMs: number };

/** Frames written between yields to the event loop, so a CANCEL can arrive mid-stream. */
const FRAMES_PER_TURN = 256;

/** Stops early when the socket ends (CANCEL, client gone, server closed). */
export async function writeAnswer(
  socket: Socket,
  frames: Iterable<JsonObject>,
  pacing: AnswerPacing,
): Promise<void> {
  if (pacing.kind === 'normal') {
    await writeInBatches(socket, frames);
    return;
  }
  let written = 0;
  for (const frame of frames) {
    if (pacing.kind === 'drop-after-frames' && written >= pacing.frames) break;
    if (pacing.kind === 'slow' && written > 0 && !(await pause(socket, pacing.delayMs))) return;
    if (!(await writeFrame(socket, frame))) return;
    written += 1;
  }
  // Destroy once the frames written so far are flushed, so the client reads all of them first.
  if (pacing.kind === 'drop-after-frames') socket.end(() => socket.destroy());
}

/**
 * Frames go out {@link FRAMES_PER_TURN} to a write, as a server's buffered writer sends them
 * (one write per row would make the server, not the client, the slow side of a long select),
 * with a turn of the event loop between writes so a CANCEL is read mid-answer.
 */
async function writeInBatches(socket: Socket, frames: Iterable<JsonObject>): Promise<void> {
  let batch: Buffer[] = [];
  for (const frame of frames) {
    batch.push(encodeFrame(frame));
    if (batch.length < FRAMES_PER_TURN) continue;
    if (!(await writeBytes(socket, Buffer.concat(batch)))) return;
    batch = [];
    await nextTurn();
  }
  if (batch.length > 0) await writeBytes(socket, Buffer.concat(batch));
}

/** A frame whose length header matches its body, which is not valid JSON. */
export function writeMalformedFrame(socket: Socket): void {
  const body = Buffer.from(MALFORMED_BODY, 'utf8');
  const frame = Buffer.alloc(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  if (!socket.destroyed && !socket.writableEnded) socket.write(frame);
}

/**
 * Waits `ms`, or less when the socket closes first; resolves whether the socket is still open.
 * The timer is cleared on close, so a closed server leaves nothing keeping the process alive.
 */
function pause(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve(!socket.destroyed);
    };
    const timer = setTimeout(done, ms);
    socket.on('close', done);
  });
}
