import { describe, expect, it } from 'vitest';
import {
  convertResult,
  convertTimestamp,
  parsePrecision,
  precisionNumber,
} from '../../src/time-precision.js';

describe('time precision, converted exactly on the client', () => {
  it('truncates to a coarser precision exactly, where the server (C float factor) returns 1700000080', () => {
    expect(convertTimestamp(1_700_000_000_123, 'ms', 's', 'auto')).toBe(1_700_000_000);
    // The server multiplies by (double)(float)0.001 and gets 1700000080 (observed on 2.0.55).
    expect(Math.trunc(1_700_000_000_123 * Math.fround(0.001))).toBe(1_700_000_080);
  });

  it('multiplies to a finer precision exactly, past 2^53 as bigint', () => {
    expect(convertTimestamp(1_700_000_000_123, 'ms', 'us', 'auto')).toBe(1_700_000_000_123_000);
    expect(convertTimestamp(1_700_000_000_123, 'ms', 'ns', 'auto')).toBe(1_700_000_000_123_000_000n);
    expect(convertTimestamp(1_700_000_000, 's', 'ns', 'bigint')).toBe(1_700_000_000_000_000_000n);
    expect(convertTimestamp(1_700_000_000_123_456_789n, 'ns', 'ms', 'auto')).toBe(1_700_000_000_123);
  });

  it('honours the int64 mode', () => {
    expect(convertTimestamp(5, 's', 'ms', 'bigint')).toBe(5000n);
    expect(typeof convertTimestamp(1_700_000_000_123, 'ms', 'ns', 'number')).toBe('number');
  });

  it('converts the points of a select result and calc, nothing else', () => {
    const select = {
      cpu: [
        [1_700_000_000_123, 1.5],
        [1_700_000_001_999, 2],
      ],
      mem: [],
    };
    expect(convertResult(select, 'ms', 's', 'auto')).toEqual({
      cpu: [
        [1_700_000_000, 1.5],
        [1_700_000_001, 2],
      ],
      mem: [],
    });
    expect(convertResult({ calc: 1_700_000_000_123 }, 'ms', 's', 'auto')).toEqual({ calc: 1_700_000_000 });
    const list = { columns: ['name', 'start'], series: [['cpu', 1_700_000_000_123]] };
    expect(convertResult(structuredClone(list), 'ms', 's', 'auto')).toEqual(list);
    expect(convertResult({ series: 3 }, 'ms', 's', 'auto')).toEqual({ series: 3 });
    const show = { data: [{ name: 'time_precision', value: 'ms' }] };
    expect(convertResult(structuredClone(show), 'ms', 's', 'auto')).toEqual(show);
  });

  it('maps precision names to the server numbers and rejects others', () => {
    expect(['s', 'ms', 'us', 'ns'].map((p) => precisionNumber(p as 's'))).toEqual([0, 1, 2, 3]);
    expect(() => precisionNumber('m' as 's')).toThrow(expect.objectContaining({ code: 'CONN_CONFIG' }));
    expect(parsePrecision('us')).toBe('us');
    expect(() => parsePrecision(undefined)).toThrow();
  });
});
