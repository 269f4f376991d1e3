import { ProtocolError, type Secret } from '@conn/core';
import type { ApertureDBConnection, ApertureDBRequestOptions } from './connection.js';

/** One answered query: the parsed JSON and the blobs, views of the received frame (not copies). */
export interface Exchanged {
  readonly response: unknown;
  readonly blobs: Uint8Array[];
}

/**
 * Sends the JSON text of a query with its blobs and session token, and parses the answer's JSON.
 * @throws ProtocolError `CONN_APERTUREDB_BAD_RESPONSE` when the answer is not JSON; the
 * connection's errors as they are.
 */
export async function exchange(
  connection: ApertureDBConnection,
  json: string,
  blobs: readonly Uint8Array[],
  token: Secret | undefined,
  options: ApertureDBRequestOptions,
): Promise<Exchanged> {
  const answer = await connection.request({ json, blobs, token: token?.reveal() ?? '' }, options);
  return { response: parseAnswer(answer.json), blobs: answer.blobs };
}

/**
 * The answer's JSON, parsed.
 * @throws ProtocolError `CONN_APERTUREDB_BAD_RESPONSE` when it is not JSON.
 */
export function parseAnswer(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // The parser's message would quote the answer's text: only its size is kept.
    throw new ProtocolError('ApertureDB answered with text that is not JSON', {
      code: 'CONN_APERTUREDB_BAD_RESPONSE',
      details: { jsonLength: json.length },
    });
  }
}
