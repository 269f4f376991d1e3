// Frames on the server side of a test: reading what the client sends, encoding what to answer.
import type { Socket } from 'node:net';
import type { FrameCodec } from '../../src/transport/frame-codec.js';
import { FrameReader } from '../../src/transport/frame-reader.js';

/** Calls `onFrame` for each frame the peer sends (server side). */
export function readFrames<Res>(
  socket: Socket,
  codec: FrameCodec<never, Res>,
  onFrame: (message: Res) => void,
): void {
  const reader = new FrameReader(codec);
  socket.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    for (let frame = reader.next(); frame !== undefined; frame = reader.next()) onFrame(codec.decode(frame));
  });
}

/** One encoded message as a single buffer. */
export function encodeFrame<Req>(codec: FrameCodec<Req, unknown>, message: Req, id?: number): Buffer {
  return Buffer.concat([codec.encode(message, id)].flat());
}
