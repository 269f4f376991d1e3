import { describe, expect, it } from 'vitest';
import { encodeCancelRequest } from '../../src/cancel-request.js';
import { eventSql } from '../../src/events.js';
import { beginStatement } from '../../src/transaction-options.js';
import { typeParsersFor } from '../../src/type-parsers.js';

describe('CancelRequest', () => {
  it('is 16 bytes: length, the cancel code, the backend pid and secret key (big-endian, signed)', () => {
    expect(encodeCancelRequest(4242, -123456789).toString('hex')).toBe('0000001004d2162e00001092f8a432eb');
  });
});

describe('events', () => {
  it('mask password literals and cut long statements', () => {
    expect(eventSql("CREATE ROLE x LOGIN PASSWORD 'it''s secret'")).toBe(
      "CREATE ROLE x LOGIN PASSWORD '[redacted]'",
    );
    expect(eventSql("ALTER USER x WITH password 'p'")).toBe("ALTER USER x WITH password '[redacted]'");
    const long = eventSql(`SELECT '${'x'.repeat(5_000)}'`);
    expect(long.length).toBe(2_001);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('BEGIN statements', () => {
  it('render isolation, priority (CockroachDB only), AS OF SYSTEM TIME and READ ONLY', () => {
    expect(beginStatement({}, 'cockroachdb')).toBe('BEGIN');
    expect(
      beginStatement({ isolation: 'read committed', priority: 'high', readOnly: true }, 'cockroachdb'),
    ).toBe('BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED, PRIORITY HIGH, READ ONLY');
    expect(beginStatement({ isolation: 'serializable', priority: 'low' }, 'postgresql')).toBe(
      'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    );
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

  it('refuse anything else, naming the field', () => {
    expect(() => beginStatement({ asOfSystemTime: "-10s'; DROP TABLE x; --" }, 'cockroachdb')).toThrow(
      expect.objectContaining({ field: 'asOfSystemTime' }),
    );
    expect(() => beginStatement({ asOfSystemTime: 'now()' }, 'cockroachdb')).toThrow(
      expect.objectContaining({ field: 'asOfSystemTime' }),
    );
    expect(() => beginStatement({ asOfSystemTime: '-10s' }, 'postgresql')).toThrow(/needs CockroachDB/);
    expect(() => beginStatement({ isolation: 'chaos' as 'serializable' }, 'postgresql')).toThrow(
      expect.objectContaining({ field: 'isolation' }),
    );
    expect(() => beginStatement({ priority: 'urgent' as 'high' }, 'cockroachdb')).toThrow(
      expect.objectContaining({ field: 'priority' }),
    );
  });
});

describe('INT8 parsing', () => {
  it('stays a string by default and becomes an exact bigint on request, arrays included', () => {
    expect(typeParsersFor('string')).toBeUndefined();
    const types = typeParsersFor('bigint');
    const parse = (oid: number) => types?.getTypeParser(oid, 'text') as unknown as (text: string) => unknown;
    expect(parse(20)('9223372036854775807')).toBe(9223372036854775807n);
    expect(parse(1016)('{1,NULL,-9223372036854775808}')).toEqual([1n, null, -9223372036854775808n]);
    expect(parse(23)('42')).toBe(42);
    expect(parse(1700)('1.50')).toBe('1.50');
  });
});
