import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { beginStatement } from '../../src/transaction-options.js';

describe('BEGIN statements', () => {
  it('render isolation, priority (CockroachDB only), AS OF SYSTEM TIME and READ ONLY', () => {
    expect(beginStatement({}, 'cockroachdb')).toBe('BEGIN');
    expect(
      beginStatement({ isolation: 'read committed', priority: 'high', readOnly: true }, 'cockroachdb'),
    ).toBe('BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED, PRIORITY HIGH, READ ONLY');
    expect(beginStatement({ isolation: 'serializable', priority: 'low' }, 'postgresql')).toBe(
      'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    );
  });

  it('quote AS OF SYSTEM TIME durations, timestamps and decimals, and pass follower_read_timestamp() bare', () => {
    for (const value of [
      '-10s',
      '-1m30s',
      '-500ms',
      '2026-01-01 00:00:00',
      '1700000000000000000.0000000000',
    ]) {
      expect(beginStatement({ asOfSystemTime: value }, 'cockroachdb')).toBe(
        `BEGIN TRANSACTION AS OF SYSTEM TIME '${value}'`,
      );
    }
    expect(beginStatement({ asOfSystemTime: 'follower_read_timestamp()' }, 'cockroachdb')).toBe(
      'BEGIN TRANSACTION AS OF SYSTEM TIME follower_read_timestamp()',
    );
  });

  it('refuse an AS OF SYSTEM TIME value that is not a duration, timestamp or the one function', () => {
    for (const value of [
      "-10s'; DROP TABLE x; --",
      "-10s' OR '1",
      'now()',
      '-10s; COMMIT',
      "2026-01-01'",
      '',
    ]) {
      const refusal = () => beginStatement({ asOfSystemTime: value }, 'cockroachdb');
      expect(refusal, value).toThrow(ConfigError);
      expect(refusal, value).toThrow(
        expect.objectContaining({ field: 'asOfSystemTime', code: 'CONN_CONFIG' }),
      );
    }
  });

  it('refuse AS OF SYSTEM TIME on PostgreSQL, and unknown isolation or priority, naming the field', () => {
    expect(() => beginStatement({ asOfSystemTime: '-10s' }, 'postgresql')).toThrow(/needs CockroachDB/);
    expect(() => beginStatement({ isolation: 'chaos' as 'serializable' }, 'postgresql')).toThrow(
      expect.objectContaining({ field: 'isolation' }),
    );
    expect(() => beginStatement({ priority: 'urgent' as 'high' }, 'cockroachdb')).toThrow(
      expect.objectContaining({ field: 'priority' }),
    );
  });
});
