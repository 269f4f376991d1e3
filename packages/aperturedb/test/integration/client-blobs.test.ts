// Blobs through the client, bit for bit, and a query too large for `maxMessageBytes` refused
// before a byte of it is sent.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApertureDBErrorCode } from '../../src/errors.js';
import { blobsOf, entitiesOf, resultOf } from '../../src/response.js';
import { harness, messagesWith } from '../support/client-harness.js';

const { startServer, clientOf } = harness();

describe('ApertureDBClient blobs', () => {
  // 64 MiB each way on loopback takes seconds on a busy machine: a longer test timeout.
  it('blobs of 1 byte, 1 MiB and 64 MiB round-trip bit-exact through AddBlob and FindBlob', {
    timeout: 120_000,
  }, async () => {
    const server = await startServer();
    const client = clientOf(server);
    const sizes = { tiny: 1, mebi: 1024 * 1024, huge: 64 * 1024 * 1024 };
    for (const [name, size] of Object.entries(sizes)) {
      const blob = new Uint8Array(randomBytes(size));
      await client.query([{ AddBlob: { properties: { name } } }], [blob]);
      const { response, blobs } = await client.query([
        { FindBlob: { constraints: { name: ['==', name] }, blobs: true, results: { list: ['name'] } } },
      ]);
      expect(entitiesOf(resultOf(response, 0))).toHaveLength(1);
      const [found] = blobsOf(response, blobs, 0);
      expect(found?.byteLength).toBe(size);
      expect(Buffer.from(found as Uint8Array).equals(Buffer.from(blob))).toBe(true);
    }
  });

  it('a query larger than maxMessageBytes fails with CONN_APERTUREDB_MESSAGE_TOO_LARGE before anything is sent', async () => {
    const server = await startServer();
    const client = clientOf(server, { maxMessageBytes: 4096 });
    await client.connect();
    const before = server.requestCount;
    const error = await client
      .query([{ AddBlob: { properties: { name: 'big' } } }], [new Uint8Array(8192)])
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toMatchObject({ code: ApertureDBErrorCode.MESSAGE_TOO_LARGE, retryable: false });
    expect((error as { details: Record<string, unknown> }).details['mayHaveExecuted']).not.toBe(true);
    expect(server.requestCount).toBe(before);
    expect(messagesWith(server, 'AddBlob')).toBe(0);
    // The connection was not spoiled: the next query is answered.
    await client.query([{ GetStatus: {} }]);
  });
});
