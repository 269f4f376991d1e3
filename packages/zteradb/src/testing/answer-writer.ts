/**
 * Writes the frames of one answer to a socket: as fast as the socket takes them, cut off after a
 * number of frames (the socket is then destroyed), or with a pause between frames.
 * @internal
 */
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FRAME_HEADER_BYTES, type JsonObject } from '../protocol/index.js';
import { MALFORMED_BODY } from './faults.js';
import { writeFrame } from './frame-writer.js';

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
  let written = 0;
  for (const frame of frames) {
    if (pacing.kind === 'drop-after-frames' && written >= pacing.frames) break;
    if (pacing.kind === 'slow' && written > 0 && !(await pause(socket, pacing.delayMs))) return;
    if (!(await writeFrame(socket, frame))) return;
    written += 1;
    if (pacing.kind === 'normal' && written % FRAMES_PER_TURN === 0) await nextTurn();
  }
  // Destroy once the frames written so far are flushed, so the client reads all of them first.
  if (pacing.kind === 'drop-after-frames') socket.end(() => socket.destroy());
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
