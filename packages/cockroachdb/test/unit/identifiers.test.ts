import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteIdentifier, quoteObjectName } from '../../src/index.js';

describe('quoteIdentifier', () => {
  it('wraps in double quotes and doubles embedded quotes', () => {
    expect(quoteIdentifier('users')).toBe('"users"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('users"; DROP TABLE x; --')).toBe('"users""; DROP TABLE x; --"');
  });

  it('treats a dotted string as one identifier; a path gives a qualified name', () => {
    expect(quoteObjectName('a.b')).toBe('"a.b"');
    expect(quoteObjectName(['app', 'users'])).toBe('"app"."users"');
    expect(() => quoteObjectName([])).toThrow(ConfigError);
    expect(() => quoteObjectName(['a', 'b', 'c', 'd'])).toThrow(ConfigError);
  });

  it('refuses NUL, empty names, names over 63 bytes and non-strings, naming the field', () => {
    expect(() => quoteIdentifier('a\u0000b', 'table')).toThrow(/table must not contain NUL/);
    expect(() => quoteIdentifier('')).toThrow(ConfigError);
    expect(() => quoteIdentifier('é'.repeat(32))).toThrow(/63 bytes/); // 64 bytes in UTF-8
    expect(quoteIdentifier('é'.repeat(31))).toBe(`"${'é'.repeat(31)}"`);
    expect(() => quoteIdentifier(5 as unknown as string)).toThrow(ConfigError);
    const error = (() => {
      try {
        quoteIdentifier('', 'orderBy[0].column');
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.field).toBe('orderBy[0].column');
  });

  it('any name round-trips: one quoted token whose un-doubled inside is the name', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 20, unit: 'binary' })
          .filter((name) => !name.includes('\u0000') && Buffer.byteLength(name) <= 63),
        (name) => {
          const quoted = quoteIdentifier(name);
          expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
          const inside = quoted.slice(1, -1);
          expect(inside.replaceAll('""', '')).not.toContain('"');
          expect(inside.replaceAll('""', '"')).toBe(name);
        },
      ),
      { numRuns: 500 },
    );
  });
});
