import { randomBytes } from 'node:crypto';

/** A `multipart/form-data` body as chunks (blobs are not copied) with its headers' values. */
export interface MultipartBody {
  readonly contentType: string;
  readonly chunks: readonly Uint8Array[];
  readonly byteLength: number;
}

/**
 * The body the REST endpoint takes (docs/protocols/aperturedb.md, REST variant): one `query` part
 * holding the JSON text, then one `blobs` part per blob, in order, each with a filename so the
 * server reads it as bytes. The boundary is 32 random hex digits, so it cannot plausibly occur in
 * the parts.
 */
export function encodeMultipart(json: string, blobs: readonly Uint8Array[]): MultipartBody {
  const boundary = `conn-aperturedb-${randomBytes(16).toString('hex')}`;
  const chunks: Uint8Array[] = [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="query"\r\n\r\n${json}\r\n`, 'utf8'),
  ];
  const blobHeader = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="blobs"; filename="blobs"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
    'utf8',
  );
  const lineEnd = Buffer.from('\r\n', 'utf8');
  for (const blob of blobs) chunks.push(blobHeader, blob, lineEnd);
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  let byteLength = 0;
  for (const chunk of chunks) byteLength += chunk.byteLength;
  return { contentType: `multipart/form-data; boundary=${boundary}`, chunks, byteLength };
}
