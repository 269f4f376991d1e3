/**
 * The REST variant of the test server (docs/protocols/aperturedb.md, REST variant): `POST /api/`
 * with a multipart body (one `query` part, then `blobs` parts in order) and an optional
 * `Authorization: Bearer <session token>`, answered with HTTP 200 and
 * `{"json": <the response>, "blobs": ["<base64>", …]}`. Faults do not apply to it.
 * @internal
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DatabaseRequest, TestDatabase } from '../database/index.js';

/** What the REST listener needs of the server. */
export interface RestSettings {
  readonly database: Pick<TestDatabase, 'handle'>;
  /** Largest request body; a larger one gets 413. */
  readonly maxBodyBytes: number;
  readonly onRequest: (request: DatabaseRequest) => void;
}

/** An HTTP server for `/api/`; the caller listens on 127.0.0.1. */
export function createRestServer(settings: RestSettings): Server {
  return http.createServer((request, response) => {
    serve(request, response, settings).catch(() => {
      if (!response.headersSent) respond(response, 500, { info: 'test server failure' });
      else response.destroy();
    });
  });
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  settings: RestSettings,
): Promise<void> {
  if (request.url !== '/api/') return respond(response, 404, { info: 'not found: POST /api/' });
  if (request.method !== 'POST') return respond(response, 405, { info: 'only POST /api/' });
  const body = await readBody(request, settings.maxBodyBytes);
  if (body === undefined) return respond(response, 413, { info: 'request body too large' });
  const parsed = await parseMultipart(request, body);
  if (parsed === undefined) {
    return respond(response, 400, { info: 'expected multipart/form-data with a "query" part' });
  }
  const databaseRequest: DatabaseRequest = { ...parsed, token: bearerToken(request) };
  settings.onRequest(databaseRequest);
  const reply = settings.database.handle(databaseRequest);
  respond(response, 200, {
    json: JSON.parse(reply.json) as unknown,
    blobs: reply.blobs.map((blob) =>
      Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('base64'),
    ),
  });
}

/** The whole body, or `undefined` once it passes `maxBytes` (the rest is not buffered). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Any filename and content type are accepted on blob parts; a part without a filename is text. */
async function parseMultipart(
  request: IncomingMessage,
  body: Buffer,
): Promise<{ json: string; blobs: Uint8Array[] } | undefined> {
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) return undefined;
  let form: FormData;
  try {
    // The platform's multipart parser (fetch's Request), fed the buffered body.
    form = await new Request('http://127.0.0.1/api/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    return undefined;
  }
  const query = form.get('query');
  if (query === null) return undefined;
  const json = typeof query === 'string' ? query : await query.text();
  const blobs: Uint8Array[] = [];
  for (const part of form.getAll('blobs')) {
    blobs.push(
      typeof part === 'string' ? Buffer.from(part, 'utf8') : new Uint8Array(await part.arrayBuffer()),
    );
  }
  return { json, blobs };
}

/** The session token of `Authorization: Bearer …`; empty when there is none, as over the socket. */
function bearerToken(request: IncomingMessage): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? '';
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
