import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../src/rest/multipart.js';
import { parseRestAnswer } from '../../src/rest/response-body.js';

/** Reads a body with the platform's own multipart parser, as a server would. */
async function parse(json: string, blobs: Uint8Array[]): Promise<FormData> {
  const body = encodeMultipart(json, blobs);
  expect(body.byteLength).toBe(Buffer.concat(body.chunks).byteLength);
  return new Request('http://127.0.0.1/api/', {
    method: 'POST',
    headers: { 'content-type': body.contentType },
    body: Buffer.concat(body.chunks),
  }).formData();
}

describe('REST multipart body', () => {
  it('holds the query text, then each blob as bytes, in order', async () => {
    const json = '[{"AddBlob": {}}, {"AddBlob": {"properties": {"text": "--\\r\\n"}}}]';
    const blobs = [Uint8Array.from([0, 13, 10, 45, 45, 255]), new Uint8Array(0), Uint8Array.from([7])];
    const form = await parse(json, blobs);
    expect(form.get('query')).toBe(json);
    const parts = form.getAll('blobs');
    expect(parts).toHaveLength(3);
    const bytes = await Promise.all(
      parts.map(async (part) => [...new Uint8Array(await (part as Blob).arrayBuffer())]),
    );
    expect(bytes).toEqual(blobs.map((blob) => [...blob]));
  });

  it('uses a fresh boundary per body', () => {
    expect(encodeMultipart('[]', []).contentType).not.toBe(encodeMultipart('[]', []).contentType);
  });
});

describe('REST answer', () => {
  it('reads {json, blobs} with base64 blobs', () => {
    const answer = parseRestAnswer(
      Buffer.from(JSON.stringify({ json: [{ FindBlob: { status: 0 } }], blobs: ['AAH/'] })),
    );
    expect(answer.response).toEqual([{ FindBlob: { status: 0 } }]);
    expect(answer.blobs.map((blob) => [...blob])).toEqual([[0, 1, 255]]);
  });

  it('refuses other shapes without quoting the body', () => {
    for (const text of ['not json adbs_secret', '[1]', '{"json": [], "blobs": [1]}']) {
      let caught: unknown;
      try {
        parseRestAnswer(Buffer.from(text));
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'CONN_APERTUREDB_BAD_RESPONSE' });
      expect((caught as Error).message).not.toContain('adbs_secret');
    }
  });
});
