import { ConfigError } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { bindParams, findPlaceholders, type SqlParams, sqlLiteral } from '../../src/params/index.js';

function paramsFailure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONN_E6DATA_PARAMS');
    expect((error as ConfigError).field).toBe('params');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('bindParams placeholders', () => {
  it('binds ?, $n (reusable) and :name', () => {
    expect(bindParams('SELECT ?, ?', [1, 'a'])).toBe("SELECT 1, 'a'");
    expect(bindParams('SELECT $2, $1, $2', [1, 'a'])).toBe("SELECT 'a', 1, 'a'");
    expect(bindParams('SELECT :b, :a, :b', { a: 1, b: 'x', extra: 3 })).toBe("SELECT 'x', 1, 'x'");
  });

  it('skips strings, quoted identifiers, comments and casts', () => {
    const sql = `SELECT '?', 'it''s ?', "a?""b", \`c?\`, x::int, -- ? :n $1\n /* ? /* nested ? */ :n */ ?`;
    expect(bindParams(sql, [7])).toBe(`${sql.slice(0, -1)}7`);
    expect(bindParams('SELECT :a::int', { a: 1 })).toBe('SELECT 1::int');
  });

  it('leaves $n and :name that continue an identifier or expression alone', () => {
    expect(findPlaceholders('SELECT a$1, arr[x:y], ?')).toEqual([{ kind: 'positional', start: 22, end: 23 }]);
  });

  it('reads backslash escapes in strings only in backslash mode', () => {
    expect(bindParams(String.raw`SELECT 'a\'?', ?`, [1], { stringEscape: 'backslash' })).toBe(
      String.raw`SELECT 'a\'?', 1`,
    );
    // In standard mode the backslash is an ordinary character, so the string ends after it.
    expect(bindParams(String.raw`SELECT 'a\', ?`, [1])).toBe(String.raw`SELECT 'a\', 1`);
  });

  it('returns SQL unchanged without params, and with empty params and no placeholders', () => {
    const sql = 'SELECT 1 /* unterminated';
    expect(bindParams(sql, undefined)).toBe(sql);
    expect(bindParams('SELECT 1', [])).toBe('SELECT 1');
    expect(bindParams('SELECT 1', {})).toBe('SELECT 1');
  });

  it.each<[string, SqlParams, RegExp]>([
    ['SELECT ?, $1', [1], /mixes placeholder styles/],
    ['SELECT ?, :a', [1], /mixes placeholder styles/],
    ['SELECT ?, ?', [1], /parameter 2 \(\?\) is missing/],
    ['SELECT ?', [1, 2], /2 parameters given for 1/],
    ['SELECT $2', [1, 2], /parameter \$1 is given but not used/],
    ['SELECT $3', [1, 2], /parameter \$3 is missing/],
    ['SELECT $0', [1], /\$0 is invalid/],
    ['SELECT 1', [1], /no placeholders/],
    ['SELECT 1', { a: 1 }, /no placeholders/],
    ['SELECT :a, :b', { a: 1 }, /parameter :b is missing/],
    ['SELECT :constructor', {}, /parameter :constructor is missing/],
    ['SELECT :a', [1], /:a needs parameters given as an object/],
    ['SELECT ?', { a: 1 }, /\? needs parameters given as an array/],
    ["SELECT '? ", [1], /unterminated string literal starting at offset 7/],
    ['SELECT "?', [1], /unterminated quoted identifier/],
    ['SELECT /* /* */ ?', [1], /unterminated block comment starting at offset 7/],
  ])('refuses %j', (sql, params, message) => {
    expect(paramsFailure(() => bindParams(sql, params)).message).toMatch(message);
  });
});

describe('bindParams literals', () => {
  const bind = (value: unknown, options = {}) => bindParams('?', [value as never], options);

  it('writes scalars', () => {
    expect([null, undefined, true, false].map((v) => bind(v))).toEqual(['NULL', 'NULL', 'TRUE', 'FALSE']);
    expect([0, 42, 1.5, 1e-7, 2 ** 53, 0.1 + 0.2, 1e300].map((v) => bind(v))).toEqual([
      '0',
      '42',
      '1.5e+0',
      '1e-7',
      '9007199254740992',
      '3.0000000000000004e-1',
      '1e+300',
    ]);
    expect(bind(2n ** 64n)).toBe('18446744073709551616');
  });

  it('parenthesizes negative numbers so x-? never becomes a -- comment', () => {
    expect(bindParams('SELECT x-?', [-1])).toBe('SELECT x-(-1)');
    expect(bindParams('SELECT x-?', [-1n])).toBe('SELECT x-(-1)');
    expect(bindParams('SELECT x-?', [-2.5])).toBe('SELECT x-(-2.5e+0)');
  });

  it('quotes strings per escape mode', () => {
    expect(bind("O'Brien\\n", { stringEscape: 'standard' })).toBe("'O''Brien\\n'");
    expect(bind("O'Brien\\n", { stringEscape: 'backslash' })).toBe("'O''Brien\\\\n'");
    expect(bind('')).toBe("''");
  });

  it('writes dates in UTC with milliseconds, ISO signs outside 0..9999', () => {
    expect(bind(new Date(Date.UTC(2024, 1, 29, 23, 5, 9, 7)))).toBe("TIMESTAMP '2024-02-29 23:05:09.007'");
    expect(bind(new Date('-000001-01-01T00:00:00Z'))).toBe("TIMESTAMP '-000001-01-01 00:00:00.000'");
    expect(bind(new Date('+010000-01-01T00:00:00Z'))).toBe("TIMESTAMP '+010000-01-01 00:00:00.000'");
  });

  it('writes bytes, arrays and raw literals', () => {
    const bytes = new Uint8Array([0, 10, 255]);
    expect(bind(bytes)).toBe("X'000aff'");
    expect(bind(bytes, { bytes: 'from-hex' })).toBe("from_hex('000aff')");
    expect(bind(new Uint8Array())).toBe("X''");
    expect(bind([1, [null, 'a'], []])).toBe("ARRAY[1, ARRAY[NULL, 'a'], ARRAY[]]");
    expect(bind(sqlLiteral("INTERVAL '1' DAY"))).toBe("INTERVAL '1' DAY");
  });

  it('refuses values no literal can carry, without echoing them', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    const secret = 'hunter2\0';
    const cases: [unknown, RegExp][] = [
      [Number.NaN, /parameter 1 is not a finite number/],
      [Number.POSITIVE_INFINITY, /not a finite number/],
      [Number.NEGATIVE_INFINITY, /not a finite number/],
      [secret, /parameter 1 contains a NUL character/],
      [new Date(Number.NaN), /invalid Date/],
      [cyclic, /contains itself/],
      [{ toString: () => 'hunter2' }, /unsupported type \(object\)/],
      [Symbol('hunter2'), /unsupported type \(symbol\)/],
    ];
    for (const [value, message] of cases) {
      const error = paramsFailure(() => bind(value));
      expect(error.message).toMatch(message);
      expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
    }
    expect(paramsFailure(() => bindParams(':token', { token: 'hunter2\0' })).message).toBe(
      'parameter :token contains a NUL character',
    );
  });
});
