import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { InsertError } from '../../src/errors.js';
import { encodeInsert } from '../../src/insert-data.js';
import { decodeQpack } from '../../src/protocol/qpack.js';
import { QpackFloat, qpackFloat } from '../../src/protocol/qpack-float.js';

describe('insert data: validated before sending, encoded as the server requires', () => {
  it('encodes the map form with points as fixed 2-arrays', () => {
    const encoded = encodeInsert({
      'cpu.load': [
        [1_700_000_000, 0.5],
        [1_700_000_001, 1],
      ],
      log: [[1, 'up']],
    });
    expect(encoded.seriesCount).toBe(2);
    expect(encoded.pointCount).toBe(3);
    expect(encoded.payload[0]).toBe(0xf5); // MAP2
    expect(decodeQpack(encoded.payload)).toEqual({
      'cpu.load': [
        [1_700_000_000, 0.5],
        [1_700_000_001, 1],
      ],
      log: [[1, 'up']],
    });
    // Points are fixed ARRAY2 (0xef) and nothing is an open container (0xfc/0xfd).
    const expected = Buffer.concat([
      Buffer.from([0xf5, 0x88]),
      Buffer.from('cpu.load'),
      Buffer.from([0xef, 0xef, 0xea]),
      int32(1_700_000_000),
      Buffer.from([0xec]),
      double(0.5),
      Buffer.from([0xef, 0xea]),
      int32(1_700_000_001),
      Buffer.from([0x01, 0x83]),
      Buffer.from('log'),
      Buffer.from([0xee, 0xef, 0x01, 0x82]),
      Buffer.from('up'),
    ]);
    expect(encoded.payload.toString('hex')).toBe(expected.toString('hex'));
  });

  it('encodes the array form with each series as an exact 2-key map (extra keys dropped)', () => {
    const encoded = encodeInsert([{ name: 'a', points: [[1, 2]], type: 'x' } as never]);
    expect(decodeQpack(encoded.payload)).toEqual([{ name: 'a', points: [[1, 2]] }]);
    expect(encoded.payload[0]).toBe(0xee); // ARRAY1
    expect(encoded.payload[1]).toBe(0xf5); // MAP2
  });

  it('accepts a Map, bigint timestamps and values, and forced floats', () => {
    const encoded = encodeInsert(new Map([['s', [[2n ** 62n, 3n] as const, [5, qpackFloat(22)] as const]]]));
    const decoded = decodeQpack(encoded.payload, { int64: 'bigint', floats: 'wrap' }) as Record<
      string,
      unknown[][]
    >;
    expect(decoded['s']?.[0]).toEqual([2n ** 62n, 3n]);
    expect(decoded['s']?.[1]?.[1]).toBeInstanceOf(QpackFloat);
  });

  it.each([
    ['an empty series name', { '': [[1, 1]] }, 'non-empty'],
    ['no points', { s: [] }, 'at least one point'],
    ['points not an array', { s: 5 }, 'must be an array'],
    ['a point of 3 items', { s: [[1, 2, 3]] }, 'point 0'],
    ['a negative timestamp', { s: [[-1, 2]] }, 'non-negative integer'],
    ['a float timestamp', { s: [[1.5, 2]] }, 'non-negative integer'],
    ['an unsafe number timestamp', { s: [[2 ** 60, 2]] }, 'non-negative integer'],
    ['a boolean value', { s: [[1, true]] }, 'got true'],
    ['a null value', { s: [[1, null]] }, 'got null'],
    ['an object value', { s: [[1, {}]] }, 'got object'],
    ['a bigint beyond int64', { s: [[1, 2n ** 63n]] }, 'values must be'],
    ['an array element that is not a series', [5], 'series #0'],
    ['not an object', 42, 'insert data must be'],
  ])('rejects %s with InsertError CONN_SIRIDB_INVALID_INSERT', (_label, data, words) => {
    let caught: unknown;
    try {
      encodeInsert(data as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InsertError);
    expect((caught as InsertError).code).toBe('CONN_SIRIDB_INVALID_INSERT');
    expect((caught as Error).message).toContain(words);
  });

  it('names the series and the point in the message', () => {
    expect(() =>
      encodeInsert({
        ok: [[1, 1]],
        bad: [
          [1, 1],
          [2, undefined],
        ],
      } as never),
    ).toThrow('series "bad", point 1');
  });
});

describe('insert data: text SiriDB would cut or change is refused before sending', () => {
  function refusal(data: unknown): ConfigError {
    try {
      encodeInsert(data as never);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  }

  it.each([
    ['a record', { ok: [[1, 1]], 'tenantA\0secret': [[1, 1]] }, 'series "tenantA\\u0000secret": the name'],
    ['a Map', new Map([['tenantA\0public', [[1, 1]]]]), 'series "tenantA\\u0000public": the name'],
    ['the array form', [{ name: 'tenantA\0secret', points: [[1, 1]] }], 'series #0: the name'],
  ])('a NUL in a series name (%s): CONN_SIRIDB_NUL (SiriDB would merge the names)', (_label, data, words) => {
    const error = refusal(data);
    expect(error.code).toBe('CONN_SIRIDB_NUL');
    expect(error.field).toBe('name');
    expect(error.details['index']).toBe(7);
    expect(error.message).toContain(words);
  });

  it('a NUL in a string value: CONN_SIRIDB_NUL (SiriDB would store only the text before it)', () => {
    const error = refusal({
      log: [
        [1, 'ok'],
        [2, 'ab\0cd'],
      ],
    });
    expect(error.code).toBe('CONN_SIRIDB_NUL');
    expect(error.field).toBe('value');
    expect(error.message).toContain('series "log", point 1: the string value');
  });

  it.each([
    ['name', { 'x\uD800': [[1, 1]] }],
    ['string value', { s: [[1, 'a\uDC00b']] }],
  ])('a lone surrogate in a %s: CONN_SIRIDB_LONE_SURROGATE', (field, data) => {
    const error = refusal(data);
    expect(error.code).toBe('CONN_SIRIDB_LONE_SURROGATE');
    expect(error.field).toBe(field === 'name' ? 'name' : 'value');
    expect(error.details['index']).toBe(1);
  });

  it('accepts well-formed astral characters and other control characters', () => {
    const data = { 'é😀\n\t': [[1, 'x😀\u0001']] as [number, string][] };
    expect(decodeQpack(encodeInsert(data).payload)).toEqual(data);
  });
});

describe('insert data: messages never carry a whole long name or value', () => {
  it('cuts an over-long series name to its start and length', () => {
    const name = 'n'.repeat(10_485_760);
    let caught: unknown;
    try {
      encodeInsert({ [name]: [[1, 1]] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InsertError);
    const error = caught as InsertError;
    expect(error.message).toBe(
      `series "${'n'.repeat(64)}"… (10485760 chars): the name is longer than 65534 bytes`,
    );
    expect(JSON.stringify(error).length).toBeLessThan(1000);
  });

  it('cuts a long name and a long bad value in a point error', () => {
    const name = 'm'.repeat(100_000);
    expect(() => encodeInsert({ [name.slice(0, 1000)]: [[-1, 1]] })).toThrow(
      `series "${'m'.repeat(64)}"… (1000 chars), point 0`,
    );
    expect(() => encodeInsert({ s: [['t'.repeat(100_000) as never, 1]] })).toThrow(
      `got "${'t'.repeat(64)}"… (100000 chars)`,
    );
  });
});

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

function double(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeDoubleLE(value);
  return buffer;
}
