import { ProtocolError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQpack, type QpackDecodeOptions } from '../../src/protocol/qpack-decode.js';
import { encodeQpack } from '../../src/protocol/qpack-encode.js';
import { expectedDecode, qpackValue } from '../fixtures/qpack-arbitraries.js';

const RUNS = 2_000;

const decodeOptions: fc.Arbitrary<QpackDecodeOptions> = fc.record(
  {
    int64: fc.constantFrom('auto', 'bigint', 'number'),
    raw: fc.constantFrom('string', 'bytes'),
    floats: fc.constantFrom('number', 'wrap'),
  },
  { requiredKeys: [] },
);

/** Decodes, and fails the property unless the result is a value or a qpack ProtocolError. */
function decodeOrProtocolError(bytes: Uint8Array, options: QpackDecodeOptions): void {
  try {
    decodeQpack(bytes, options);
  } catch (error) {
    if (!(error instanceof ProtocolError) || error.code !== 'CONN_SIRIDB_QPACK') throw error;
    const offset = error.details['offset'];
    expect(typeof offset === 'number' && offset >= 0 && offset <= bytes.length).toBe(true);
  }
}

function hasIndexLikeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) return value.some(hasIndexLikeKey);
  const entries: [unknown, unknown][] = value instanceof Map ? [...value] : Object.entries(value);
  return entries.some(([k, v]) => /^(0|[1-9]\d*)$/.test(String(k)) || hasIndexLikeKey(v));
}

describe('qpack fuzz', () => {
  it('arbitrary bytes decode to a value or a ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), decodeOptions, decodeOrProtocolError), {
      numRuns: RUNS,
    });
  });

  it('arbitrary bytes weighted towards container, close and length bytes', () => {
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0xe4, max: 0xff }),
      fc.constantFrom(0xfc, 0xfd, 0xfe, 0xff, 0xe7, 0xeb, 0xec),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 4096 }), decodeOptions, (bytes, options) =>
        decodeOrProtocolError(Uint8Array.from(bytes), options),
      ),
      { numRuns: RUNS },
    );
  });

  it('valid qpack, truncated or with bytes changed, decodes to a value or a ProtocolError', () => {
    fc.assert(
      fc.property(
        qpackValue({ bytes: true, maxStringLength: 120, maxDepth: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        decodeOptions,
        (value, edits, cut, options) => {
          const bytes = encodeQpack(value).subarray(0, 4096);
          for (const [at, b] of edits) if (bytes.length > 0) bytes[at % bytes.length] = b;
          decodeOrProtocolError(
            bytes.subarray(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1)),
            options,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['string', 'auto'],
    ['string', 'bigint'],
    ['bytes', 'auto'],
    ['bytes', 'number'],
  ] as const)('round-trips arbitrary values (raw %s, int64 %s)', (raw, int64) => {
    const options: QpackDecodeOptions = { raw, int64, floats: 'wrap' };
    fc.assert(
      fc.property(qpackValue({ bytes: raw === 'bytes' }), (value) => {
        const bytes = encodeQpack(value);
        expect(bytes.length).toBeLessThan(1 << 20);
        expect(decodeQpack(bytes, options)).toEqual(expectedDecode(value, options));
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('re-encodes decoded values to the same bytes (canonical encoder)', () => {
    fc.assert(
      fc.property(qpackValue({ bytes: false }), (value) => {
        const bytes = encodeQpack(value);
        const decoded = decodeQpack(bytes, { floats: 'wrap' });
        const again = encodeQpack(decoded);
        // A decoded object lists integer-like keys first (JS property order), so only their order may differ.
        if (hasIndexLikeKey(value)) expect(decodeQpack(again, { floats: 'wrap' })).toEqual(decoded);
        else expect(again.equals(bytes)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
