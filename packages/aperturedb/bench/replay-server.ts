/**
 * An ApertureDB peer that costs next to nothing per request, so the blob benchmark measures the
 * clients and not the test server's copies. Its answers are encoded once up front: the hello is
 * accepted for cleartext TCP; Authenticate gets a session grant (no password check: the handshake
 * is not what is measured); a request carrying blobs gets `[{"AddBlob":{"status":0}}]`; a
 * transaction of n AddEntity (or FindEntity) commands gets n successes (a FindEntity finding one
 * entity), cached by n; any other request gets the FindBlob answer holding the one blob, written
 * in one write. Listens on 127.0.0.1 only.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { FrameReader } from '@conn/core';
import { aperturedbFrameCodec, decodeQueryMessage, FRAME_HEADER_BYTES } from '../src/protocol/index.js';
import { encodeFrame } from './bare-client.js';
import { BLOB_NAME } from './spec.js';

const codec = aperturedbFrameCodec({ maxMessageBytes: 1024 * 1024 * 1024 });
const encode = (json: unknown, blobs: Uint8Array[] = []): Buffer =>
  encodeFrame({ json: JSON.stringify(json), blobs });

/** The hello reply: version 1, protocol TCP. */
const HELLO_REPLY = Buffer.from([8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
const GRANT = encode([
  {
    Authenticate: {
      status: 0,
      session_token: 'replay-session',
      session_token_expires_in: 3600,
      refresh_token: 'replay-refresh',
      refresh_token_expires_in: 86_400,
    },
  },
]);
const ADDED = encode([{ AddBlob: { status: 0 } }]);
/** What each command of a repeated-command transaction answers (FindEntity as one found entity). */
const REPEATED: Readonly<Record<string, unknown>> = {
  GetStatus: { info: 'OK', status: 0, system: 'ApertureDB', version: '0.17.23' },
  AddEntity: { status: 0 },
  FindEntity: { entities: [{ id: 0 }], returned: 1, status: 0 },
};
const answers = new Map<string, Buffer>();

/** The answer to `count` `command`s, encoded once per command and count. */
function repeatedAnswer(command: string, count: number): Buffer {
  const key = `${command} ${String(count)}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = encode(Array.from({ length: count }, () => ({ [command]: REPEATED[command] })));
    answers.set(key, answer);
  }
  return answer;
}

/** The answer to a transaction of AddEntity or FindEntity commands; undefined for anything else. */
function repeatedAnswerTo(json: string): Buffer | undefined {
  for (const command of Object.keys(REPEATED)) {
    const count = occurrences(json, `{"${command}"`);
    if (count > 0) return repeatedAnswer(command, count);
  }
  return undefined;
}

/** How many times `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** A running replay peer. */
export interface ReplayServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Encodes the FindBlob answer holding `blob` once and serves it to every request without blobs. */
export async function startReplayServer(blob: Uint8Array): Promise<ReplayServer> {
  const found = encode(
    [
      {
        FindBlob: {
          blobs_start: 0,
          entities: [{ _blob_index: 0, name: BLOB_NAME }],
          returned: 1,
          status: 0,
        },
      },
    ],
    [blob],
  );
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new FrameReader(codec);
    let greeted = false;
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let frame = reader.next(); frame !== undefined; frame = reader.next()) {
        if (!greeted) {
          greeted = true;
          socket.write(HELLO_REPLY);
          continue;
        }
        const request = decodeQueryMessage(frame.subarray(FRAME_HEADER_BYTES));
        if (request.json.includes('"Authenticate"')) socket.write(GRANT);
        else if (request.blobs.length > 0) socket.write(ADDED);
        else socket.write(repeatedAnswerTo(request.json) ?? found);
      }
    });
  });
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
