/**
 * A ZTeraDB peer that costs next to nothing per row, so the stream benchmark measures its readers
 * and not the server. The whole answer (one code-7 frame per row, the test server's bytes) is
 * encoded once up front; every QUERY is answered by writing the first `lt[1]` rows (all without a
 * limit) in large slices, then QUERY_COMPLETE. CONNECT is answered with CONNECTED (no server
 * proof: the driver checks one only when it is sent) and QUERY_COMPLETE, without checking the
 * signature: the handshake is not what is measured. Listens on 127.0.0.1 only.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { FrameReader } from '@conn/core';
import { type JsonObject, RequestType, ResponseCode, zteradbJsonCodec } from '../src/protocol/index.js';
import { writeBytes } from '../src/testing/frame-writer.js';

const SLICE_BYTES = 1 << 20;

const codec = zteradbJsonCodec();
const encode = (frame: JsonObject): Buffer => codec.encode(frame, undefined) as Buffer;
const QUERY_COMPLETE = encode({ error: false, response_code: ResponseCode.QUERY_COMPLETE, data: {} });

/** A running replay peer. */
export interface ReplayServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Encodes `rows` once and serves them to every select. */
export async function startReplayServer(rows: readonly JsonObject[]): Promise<ReplayServer> {
  // Where each row's frame ends, so a limit is a slice.
  const ends = new Float64Array(rows.length);
  const parts: Buffer[] = [];
  let length = 0;
  rows.forEach((row, index) => {
    const frame = encode({ error: false, response_code: 7, data: row });
    parts.push(frame);
    length += frame.length;
    ends[index] = length;
  });
  const answer = Buffer.concat(parts, length);
  parts.length = 0;
  // The caller may drop its rows now: only the encoded answer is kept.
  const total = rows.length;

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new FrameReader(codec);
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let bytes = reader.next(); bytes !== undefined; bytes = reader.next()) {
        const request = codec.decode(bytes);
        queue = queue.then(() => respond(socket, request));
      }
    });
  });

  async function respond(socket: Socket, request: JsonObject): Promise<void> {
    if (request.request_type === RequestType.CONNECT) {
      const data = {
        client_key: request.client_key ?? '',
        access_key: 'replay',
        access_token: 'replay-token',
      };
      socket.write(encode({ error: false, response_code: ResponseCode.CONNECTED, data }));
      socket.write(QUERY_COMPLETE);
      return;
    }
    const query = request.query as { lt?: [number, number] } | undefined;
    const count = Math.min(total, query?.lt?.[1] ?? total);
    const end = count === 0 ? 0 : (ends[count - 1] as number);
    for (let at = 0; at < end; at += SLICE_BYTES) {
      if (!(await writeBytes(socket, answer.subarray(at, Math.min(end, at + SLICE_BYTES))))) return;
    }
    socket.write(QUERY_COMPLETE);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
