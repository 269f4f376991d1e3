import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { checkInsertPayload, checkQueryText, queryPayloadBytes } from '../../src/package-size.js';
import { SERVER_MAX_PACKAGE_BYTES } from '../../src/protocol/package.js';
import { encodeQpack } from '../../src/protocol/qpack.js';

function refusal(run: () => void): ConfigError | undefined {
  try {
    run();
  } catch (error) {
    return error as ConfigError;
  }
  return undefined;
}

describe('package size limits', () => {
  it('the server limit is 40 MiB of payload (measured on SiriDB 2.0.55: 41_943_041 bytes close the connection)', () => {
    expect(SERVER_MAX_PACKAGE_BYTES).toBe(40 * 1024 * 1024);
  });

  it('computes the exact payload size of a query package, across every string header size', () => {
    for (const length of [1, 99, 100, 255, 256, 65_535, 65_536, 100_000]) {
      for (const text of ['a'.repeat(length), 'é'.repeat(length), '€'.repeat(length)]) {
        const bytes = Buffer.byteLength(text);
        expect(queryPayloadBytes(bytes)).toBe(encodeQpack([text, null]).length);
        expect(queryPayloadBytes(bytes)).toBe(encodeQpack([text, 3]).length);
      }
    }
  });

  it('lets a query of exactly the limit through and refuses one byte more, naming size and limit', () => {
    const overhead = queryPayloadBytes(SERVER_MAX_PACKAGE_BYTES) - SERVER_MAX_PACKAGE_BYTES;
    const largest = 'a'.repeat(SERVER_MAX_PACKAGE_BYTES - overhead);
    expect(queryPayloadBytes(Buffer.byteLength(largest))).toBe(SERVER_MAX_PACKAGE_BYTES);
    expect(refusal(() => checkQueryText(largest))).toBeUndefined();

    const error = refusal(() => checkQueryText(`${largest}a`));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error?.field).toBe('query');
    expect(error?.details).toMatchObject({
      bytes: SERVER_MAX_PACKAGE_BYTES + 1,
      limit: SERVER_MAX_PACKAGE_BYTES,
    });
    expect(error?.message).toContain(String(SERVER_MAX_PACKAGE_BYTES + 1));
    expect(error?.message).toContain(String(SERVER_MAX_PACKAGE_BYTES));
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 14 million characters, 42 million bytes
    const wide = '€'.repeat(14_000_000);
    expect(wide.length).toBeLessThan(SERVER_MAX_PACKAGE_BYTES);
    expect(refusal(() => checkQueryText(wide))?.details['bytes']).toBe(queryPayloadBytes(42_000_000));
  });

  it('insert payloads: the limit passes, one byte more is refused', () => {
    expect(refusal(() => checkInsertPayload(SERVER_MAX_PACKAGE_BYTES))).toBeUndefined();
    const error = refusal(() => checkInsertPayload(SERVER_MAX_PACKAGE_BYTES + 1));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.code).toBe('CONN_SIRIDB_PACKAGE_TOO_LARGE');
    expect(error?.details).toMatchObject({
      bytes: SERVER_MAX_PACKAGE_BYTES + 1,
      limit: SERVER_MAX_PACKAGE_BYTES,
    });
  });
});
