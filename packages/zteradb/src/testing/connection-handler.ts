/**
 * What the test server does with the frames of one connection: the CONNECT check, then QUERY,
 * CANCEL and unknown requests one at a time, with the server's faults applied to QUERY requests
 * (docs/protocols/zteradb.md, local test server).
 * @internal
 */
import type { Socket } from 'node:net';
import type { FrameReader } from '@conn/core';
import { type JsonObject, RequestType } from '../protocol/index.js';
import { type AnswerPacing, writeAnswer, writeMalformedFrame } from './answer-writer.js';
import type { ConnectChecker } from './connect-check.js';
import { errorCodeOf, TestServerFailure, type ZTeraDBCodeTable } from './error-codes.js';
import { DEFAULT_FAULT_MESSAGE, type FaultList, type ZTeraDBFault } from './faults.js';
import { dataFrame, errorFrame, QUERY_COMPLETE_FRAME, writeFrame } from './frame-writer.js';
import { issueSession } from './session.js';
import type { TableStore, TestRow } from './table-store.js';
import { evaluateQuery, type LimitSemantics } from './zql-evaluator.js';

/** One client connection of the test server. */
export interface Connection {
  readonly id: number;
  readonly socket: Socket;
  readonly reader: FrameReader;
  accessToken: string | undefined;
  /** Server time (whole seconds) from which the session token is refused. */
  tokenExpiresAt: number;
  /** Requests waiting while an earlier one is answered (one request in flight per connection). */
  readonly queue: JsonObject[];
  busy: boolean;
  /** Set by a `'stall'` fault: queued requests wait until `clearFaults()`. */
  stalled: boolean;
}

/** The server-wide settings and state a connection answers from. */
export interface ServerSettings {
  readonly store: TableStore;
  readonly checker: ConnectChecker;
  readonly faults: FaultList;
  readonly codeTable: ZTeraDBCodeTable;
  readonly connectErrorCode: number;
  readonly limitSemantics: LimitSemantics;
  readonly completeAfterSingleResult: boolean;
  readonly nowSeconds: () => number;
  readonly tokenLifetimeSeconds: number;
}

/** CANCEL acts at once, even mid-stream or stalled; other requests wait their turn. */
export function accept(connection: Connection, frame: JsonObject, settings: ServerSettings): void {
  if (connection.accessToken !== undefined && frame.request_type === RequestType.CANCEL) {
    // What the Python client expects: stop streaming and close (it reads to EOF).
    connection.queue.length = 0;
    connection.socket.end();
    return;
  }
  connection.queue.push(frame);
  void pump(connection, settings);
}

/** Lets a stalled connection answer its held requests, in order. */
export function release(connection: Connection, settings: ServerSettings): void {
  if (!connection.stalled) return;
  connection.stalled = false;
  void pump(connection, settings);
}

async function pump(connection: Connection, settings: ServerSettings): Promise<void> {
  if (connection.busy || connection.stalled) return;
  connection.busy = true;
  try {
    while (!connection.stalled && !connection.socket.destroyed) {
      const frame = connection.queue.shift();
      if (frame === undefined) break;
      await answer(connection, frame, settings);
    }
  } catch {
    // A bug in the evaluator must not crash the test process: the client sees the socket drop.
    connection.socket.destroy();
  } finally {
    connection.busy = false;
  }
  // A release that came while the last answer was being written.
  if (!connection.stalled && connection.queue.length > 0) void pump(connection, settings);
}

async function answer(connection: Connection, frame: JsonObject, settings: ServerSettings): Promise<void> {
  const { socket } = connection;
  if (connection.accessToken === undefined) {
    const verdict = settings.checker.check(frame);
    if (!verdict.ok) {
      await writeFrame(socket, errorFrame(settings.connectErrorCode, verdict.reason));
      socket.end();
      return;
    }
    const session = issueSession(verdict.key, settings.nowSeconds(), settings.tokenLifetimeSeconds);
    connection.accessToken = session.accessToken;
    connection.tokenExpiresAt = session.expiresAtSeconds;
    await writeFrame(socket, session.frame);
    await writeFrame(socket, QUERY_COMPLETE_FRAME);
    return;
  }
  const fault = frame.request_type === RequestType.QUERY ? settings.faults.take() : undefined;
  const pacing = pacingOf(fault);
  switch (fault?.kind) {
    case 'stall':
      connection.stalled = true;
      return;
    case 'malformed':
      writeMalformedFrame(socket);
      return;
    case 'server-error': {
      const code = errorCodeOf(fault.code ?? 'QUERY_ERROR', settings.codeTable);
      await writeFrame(socket, errorFrame(code, fault.message ?? DEFAULT_FAULT_MESSAGE));
      return;
    }
    default:
      await writeAnswer(socket, answerFrames(connection, frame, settings), pacing);
  }
}

function pacingOf(fault: ZTeraDBFault | undefined): AnswerPacing {
  if (fault?.kind === 'drop-after-frames') return { kind: 'drop-after-frames', frames: fault.frames };
  if (fault?.kind === 'slow-rows') return { kind: 'slow', delayMs: fault.delayMs };
  return { kind: 'normal' };
}

/** The frames of the real answer to a request after the handshake. */
function* answerFrames(
  connection: Connection,
  frame: JsonObject,
  settings: ServerSettings,
): Generator<JsonObject> {
  let outcome: ReturnType<typeof evaluateQuery>;
  try {
    if (frame.request_type !== RequestType.QUERY) {
      const name = frame.request_type === RequestType.CONNECT ? 'QUERY_ERROR' : 'INVALID_REQUEST_TYPE_ERROR';
      throw new TestServerFailure(
        name,
        `unsupported request_type ${JSON.stringify(frame.request_type ?? null)}`,
      );
    }
    // The Python client sends no token; one that is sent must be this connection's.
    if (frame.access_token !== undefined && frame.access_token !== connection.accessToken) {
      throw new TestServerFailure('NO_ACCESS', 'invalid access_token');
    }
    // The session ends with its token: every later query on this connection is refused.
    if (settings.nowSeconds() >= connection.tokenExpiresAt) {
      throw new TestServerFailure('TOKEN_EXPIRED', 'access token expired');
    }
    const databaseId = typeof frame.database_id === 'string' ? frame.database_id : undefined;
    outcome = evaluateQuery(settings.store, databaseId, frame.query, settings.limitSemantics);
  } catch (error) {
    if (!(error instanceof TestServerFailure)) throw error;
    yield errorFrame(errorCodeOf(error.kind, settings.codeTable), error.message);
    return;
  }
  if (outcome.kind === 'rows') {
    for (const row of outcome.rows) yield dataFrame(7, row as TestRow);
    yield QUERY_COMPLETE_FRAME;
  } else {
    yield dataFrame(7, outcome.data);
    if (settings.completeAfterSingleResult) yield QUERY_COMPLETE_FRAME;
  }
}

/** A frame that is not a JSON object (or is too large) ends the connection after an error frame. */
export function refuseMalformed(connection: Connection, settings: ServerSettings, error: unknown): void {
  const message = error instanceof Error ? error.message : 'malformed frame';
  void writeFrame(
    connection.socket,
    errorFrame(errorCodeOf('PARSE_QUERY_ERROR', settings.codeTable), message),
  ).then(() => connection.socket.end());
}
