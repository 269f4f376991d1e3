import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeRegex, quoteName, quoteRegex, quoteString, siridbQuery } from '../../src/quote.js';
import { compileRegex } from '../../src/testing/match-series.js';
import { readRegex, readToken, unquote } from '../../src/testing/query-lexer.js';

/** Text SiriDB can carry: anything well-formed without NUL (including astral characters). */
const sendable = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !text.includes('\0'));
/** Short text heavy in the characters that matter to quoting. */
const hostile = fc
  .array(fc.constantFrom(...'"\'`/\\\n\r .*+?|()[]{}^$#,-éñ😀'.match(/[\s\S]/gu)!), { maxLength: 24 })
  .map((chars) => chars.join(''));

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** The test server's lexer reads `quoted` as one string token covering all of it; its text. */
function readBack(quoted: string): string {
  const token = readToken(quoted, 0);
  expect(token).toMatchObject({ kind: 'string', start: 0, end: quoted.length });
  return unquote(token.text);
}

const INJECTION = '", /.*/ set ignore_threshold true';

describe('quoteName', () => {
  it.each([
    ['cpu.load', '"cpu.load"'],
    ['a"b', '"a""b"'],
    ['""', '""""""'],
    ["it's", `"it's"`],
    ['back\\slash/and/slash', '"back\\slash/and/slash"'],
    ['new\nline', '"new\nline"'],
    ['é 😀', '"é 😀"'],
    [INJECTION, '""", /.*/ set ignore_threshold true"'],
  ])('quotes %j as %j', (name, quoted) => {
    expect(quoteName(name)).toBe(quoted);
    expect(readBack(quoted)).toBe(name);
  });

  it('reads back as exactly the same text for any name', () => {
    fc.assert(fc.property(fc.oneof(sendable, hostile), (name) => readBack(quoteName(name)) === name));
  });

  it('refuses NUL with CONN_SIRIDB_NUL, saying where, without the name', () => {
    const error = thrown(() => quoteName('tenantA\0secret'));
    expect(error.code).toBe('CONN_SIRIDB_NUL');
    expect(error.field).toBe('name');
    expect(error.details['index']).toBe(7);
    expect(error.message).toContain('NUL');
    expect(error.message).not.toContain('secret');
  });

  it.each([
    ['a lone high surrogate', 'ab\uD800', 2],
    ['a lone low surrogate', '\uDC00x', 0],
    ['a reversed pair', 'x\uDE00\uD83D', 1],
  ])('refuses %s with CONN_SIRIDB_LONE_SURROGATE', (_label, name, index) => {
    const error = thrown(() => quoteName(name));
    expect(error.code).toBe('CONN_SIRIDB_LONE_SURROGATE');
    expect(error.details['index']).toBe(index);
  });

  it('refuses a value that is not a string', () => {
    const error = thrown(() => quoteName(5 as never));
    expect(error.code).toBe('CONN_CONFIG');
    expect(error.message).toContain('got number');
  });
});

describe('quoteString', () => {
  it('single-quotes, doubling only the single quote', () => {
    expect(quoteString(`it's "x"`)).toBe(`'it''s "x"'`);
    expect(quoteString('')).toBe("''");
    expect(readBack(quoteString(`'; drop series /.*/`))).toBe(`'; drop series /.*/`);
  });

  it('reads back as exactly the same text for any string', () => {
    fc.assert(fc.property(fc.oneof(sendable, hostile), (text) => readBack(quoteString(text)) === text));
  });

  it('refuses NUL and lone surrogates', () => {
    expect(thrown(() => quoteString('a\0')).code).toBe('CONN_SIRIDB_NUL');
    expect(thrown(() => quoteString('\uD800')).code).toBe('CONN_SIRIDB_LONE_SURROGATE');
  });
});

describe('quoteRegex and escapeRegex', () => {
  it('escapes every / that is not escaped yet, and groups the pattern', () => {
    expect(quoteRegex('a/b')).toBe('/(?:a\\/b)(?!\\n)/');
    expect(quoteRegex('a\\/b')).toBe('/(?:a\\/b)(?!\\n)/');
    expect(quoteRegex('[/]')).toBe('/(?:[\\/])(?!\\n)/');
    expect(quoteRegex('a\\\\/')).toBe('/(?:a\\\\\\/)(?!\\n)/');
  });

  it('takes the source and flags of a RegExp', () => {
    expect(quoteRegex(/cpu\.[a-z]+/i)).toBe('/(?:cpu\\.[a-z]+)(?!\\n)/i');
    const fromText = 'a/b'; // a RegExp built from text: its source escapes the slash
    expect(quoteRegex(new RegExp(fromText))).toBe('/(?:a\\/b)(?!\\n)/');
    expect(quoteRegex(/x/i, '')).toBe('/(?:x)(?!\\n)/');
  });

  it('writes an escaped line break as \\n or \\r (the server cannot lex it)', () => {
    expect(quoteRegex('a\\\nb\\\rc')).toBe('/(?:a\\nb\\rc)(?!\\n)/');
  });

  it('refuses flags other than i, a trailing lone backslash, NUL and lone surrogates', () => {
    expect(thrown(() => quoteRegex('a', 'g')).field).toBe('flags');
    expect(thrown(() => quoteRegex(/a/s)).field).toBe('flags');
    expect(thrown(() => quoteRegex('a\\')).field).toBe('pattern');
    expect(thrown(() => quoteRegex('a\0')).code).toBe('CONN_SIRIDB_NUL');
    expect(thrown(() => quoteRegex('\uDFFF')).code).toBe('CONN_SIRIDB_LONE_SURROGATE');
    expect(thrown(() => escapeRegex('a\0')).code).toBe('CONN_SIRIDB_NUL');
  });

  it('escapeRegex + quoteRegex match exactly the text, read as the server reads a regex', () => {
    fc.assert(
      fc.property(fc.oneof(sendable, hostile), hostile, (text, other) => {
        const literal = quoteRegex(escapeRegex(text));
        const read = readRegex(literal, 0);
        expect(read?.end).toBe(literal.length);
        const regex = compileRegex(read?.pattern ?? '', false);
        expect(regex.test(text)).toBe(true);
        if (other !== text) expect(regex.test(other)).toBe(false);
        expect(regex.test(`${text}\n`)).toBe(false);
      }),
    );
  });

  it('keeps an alternation anchored as a whole', () => {
    const regex = compileRegex(readRegex(quoteRegex('a|b'), 0)?.pattern ?? '', false);
    expect(['a', 'b'].map((name) => regex.test(name))).toEqual([true, true]);
    expect(['ax', 'xb'].map((name) => regex.test(name))).toEqual([false, false]);
  });
});

describe('siridbQuery', () => {
  it('quotes strings as names, RegExps as regexes, numbers and bigints as digits', () => {
    const name = INJECTION;
    expect(siridbQuery`select * from ${name} after ${1_700_000_000} before ${2n ** 62n}`).toBe(
      `select * from """, /.*/ set ignore_threshold true" after 1700000000 before ${2n ** 62n}`,
    );
    expect(siridbQuery`list series ${/a\/b/i} limit ${5}`).toBe('list series /(?:a\\/b)(?!\\n)/i limit 5');
    expect(siridbQuery`select * from ${'x'}, ${'y'}`).toBe('select * from "x", "y"');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a number written with an exponent', 1e21],
    ['null', null],
    ['an object', {}],
    ['a boolean', true],
  ])('refuses %s', (_label, value) => {
    const error = thrown(() => siridbQuery`select * from "s" after ${value as never}`);
    expect(error.field).toBe('values[0]');
  });

  it('refuses NUL or a lone surrogate in a value or in the template', () => {
    expect(thrown(() => siridbQuery`drop series ${'a\0'}`).code).toBe('CONN_SIRIDB_NUL');
    expect(thrown(() => siridbQuery`drop series "a\0"`).code).toBe('CONN_SIRIDB_NUL');
    expect(thrown(() => siridbQuery`drop series ${'\uD800'}`).code).toBe('CONN_SIRIDB_LONE_SURROGATE');
  });
});
