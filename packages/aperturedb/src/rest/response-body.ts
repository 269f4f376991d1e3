import { ProtocolError } from '@conn/core';

/** One answered REST query: the response JSON and the returned blobs, in transaction order. */
export interface RestAnswer {
  readonly response: unknown;
  readonly blobs: Uint8Array[];
}

/**
 * Reads the REST endpoint's answer `{"json": <response>, "blobs": ["<base64>", …]}`
 * (docs/protocols/aperturedb.md, REST variant). `json` is the response itself, not its text.
 * @throws ProtocolError `CONN_APERTUREDB_BAD_RESPONSE` for any other shape; the message quotes
 * only sizes, never the body (it may hold tokens).
 */
export function parseRestAnswer(body: Buffer): RestAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badAnswer('is not JSON', body.byteLength);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('json' in parsed))
    throw badAnswer('is not an object with a "json" field', body.byteLength);
  const { json, blobs = [] } = parsed as { json: unknown; blobs?: unknown };
  if (!Array.isArray(blobs) || !blobs.every((blob) => typeof blob === 'string'))
    throw badAnswer('has "blobs" that are not a list of base64 strings', body.byteLength);
  return {
    response: json,
    blobs: (blobs as string[]).map((blob) => {
      const bytes = Buffer.from(blob, 'base64');
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }),
  };
}

function badAnswer(what: string, bodyBytes: number): ProtocolError {
  return new ProtocolError(`ApertureDB REST answer ${what}`, {
    code: 'CONN_APERTUREDB_BAD_RESPONSE',
    details: { bodyBytes },
  });
}
