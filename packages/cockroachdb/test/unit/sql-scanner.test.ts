import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LexicalRules,
  POSTGRESQL_RULES,
  readingsOf,
  SERVER_READINGS,
  type SqlTokenKind,
  scanSql,
} from '../../src/sql/sql-scanner.js';

const SCS_OFF: LexicalRules = { server: 'postgresql', standardConformingStrings: false };
const COCKROACH: LexicalRules = { server: 'cockroachdb', standardConformingStrings: true };

/** The tokens of `text` as `[kind, text]`, whitespace left out; unterminated ones marked with `!`. */
function tokens(text: string, rules: LexicalRules = POSTGRESQL_RULES): [string, string][] {
  return scanSql(text, rules)
    .filter((token) => token.kind !== 'space')
    .map((token) => [token.unterminated ? `${token.kind}!` : token.kind, text.slice(token.start, token.end)]);
}

/** The first token of `text` that is not whitespace. */
function first(text: string, rules: LexicalRules = POSTGRESQL_RULES): [string, string] {
  return tokens(text, rules)[0] as [string, string];
}

describe('SQL scanner', () => {
  it('covers the text end to end with adjacent tokens, whatever the input', () => {
    const samples = [
      'SELECT E\'a\\\'b\', $x$ ; $x$, "q""", /* /* */ */ 1 -- c\n;',
      "U&'d\\0061t' UESCAPE '!' B'01' X'ff' N'n' b'\\''",
      "'unterminated",
      '/* open',
      '$tag$ open',
      '"open',
      "E'\\",
      '',
    ];
    for (const rules of SERVER_READINGS) {
      for (const text of samples) {
        const found = scanSql(text, rules);
        let at = 0;
        for (const token of found) {
          expect(token.start).toBe(at);
          expect(token.end).toBeGreaterThan(token.start);
          at = token.end;
        }
        expect(at).toBe(text.length);
      }
    }
  });

  it("reads '…' with '' as a quote, and backslash as plain text by default", () => {
    expect(tokens("SELECT 'it''s; -- not a comment' ;")).toEqual([
      ['word', 'SELECT'],
      ['string', "'it''s; -- not a comment'"],
      ['symbol', ';'],
    ]);
    expect(tokens("'a\\' ; 'b'")).toEqual([
      ['string', "'a\\'"],
      ['symbol', ';'],
      ['string', "'b'"],
    ]);
  });

  it('reads backslash as an escape in plain strings when standard_conforming_strings is off', () => {
    expect(tokens("'a\\' ; 'b'", SCS_OFF)).toEqual([
      ['string', "'a\\' ; '"],
      ['string!', "b'"],
    ]);
    expect(tokens("N'a\\'b'", SCS_OFF)).toEqual([['string', "N'a\\'b'"]]);
  });

  it("reads E'…' and e'…' with backslash escapes (\\' and \\\\) and '' doubling", () => {
    for (const rules of SERVER_READINGS) {
      expect(tokens("E'\\''); DROP TABLE victim; --'", rules)).toEqual([
        ['string', "E'\\''"],
        ['symbol', ')'],
        ['symbol', ';'],
        ['word', 'DROP'],
        ['word', 'TABLE'],
        ['word', 'victim'],
        ['symbol', ';'],
        ['line-comment', "--'"],
      ]);
      expect(first("e'a\\\\' x", rules)).toEqual(['string', "e'a\\\\'"]);
      expect(first("E'a''b' x", rules)).toEqual(['string', "E'a''b'"]);
    }
  });

  it('takes a prefix letter only at the start of a word', () => {
    expect(tokens("xE'\\' ; '")).toEqual([
      ['word', 'xE'],
      ['string', "'\\'"],
      ['symbol', ';'],
      ['string!', "'"],
    ]);
    expect(tokens("1E'\\'' x")).toEqual([
      ['number', '1'],
      ['string', "E'\\''"],
      ['word', 'x'],
    ]);
  });

  it('reads U&\'…\' and U&"…" with backslash as plain text, and UESCAPE as a word and a literal', () => {
    expect(tokens('U&\'d\\0061t\\\' ; U&"x""y" UESCAPE \'!\'')).toEqual([
      ['string', "U&'d\\0061t\\'"],
      ['symbol', ';'],
      ['quoted-identifier', 'U&"x""y"'],
      ['word', 'UESCAPE'],
      ['string', "'!'"],
    ]);
    expect(first("u&'a''b'")).toEqual(['string', "u&'a''b'"]);
  });

  it("reads B'…' and X'…' without escapes or doubling: a second quote starts a new literal", () => {
    expect(tokens("B'10''01'")).toEqual([
      ['string', "B'10'"],
      ['string', "'01'"],
    ]);
    expect(tokens("X'ff\\' ;")).toEqual([
      ['string', "X'ff\\'"],
      ['symbol', ';'],
    ]);
  });

  it("reads b'…' as a bit string on PostgreSQL and as BYTES with escapes on CockroachDB", () => {
    expect(tokens("b'\\' ; '")).toEqual([
      ['string', "b'\\'"],
      ['symbol', ';'],
      ['string!', "'"],
    ]);
    expect(tokens("b'\\' ; '", COCKROACH)).toEqual([['string', "b'\\' ; '"]]);
  });

  it('continues a literal after whitespace with a newline, in the same mode', () => {
    expect(tokens("'a'\n'b' x")).toEqual([
      ['string', "'a'\n'b'"],
      ['word', 'x'],
    ]);
    expect(tokens("'a' 'b'")).toEqual([
      ['string', "'a'"],
      ['string', "'b'"],
    ]);
    // The continuation of an escape string is read with escapes: \' does not end it.
    expect(tokens("E'a'\n'\\''); DROP x; --'")).toEqual([
      ['string', "E'a'\n'\\''"],
      ['symbol', ')'],
      ['symbol', ';'],
      ['word', 'DROP'],
      ['word', 'x'],
      ['symbol', ';'],
      ['line-comment', "--'"],
    ]);
  });

  it('lets PostgreSQL skip -- comments inside a continuation, and not CockroachDB', () => {
    expect(first("'a' -- c\n'b'")).toEqual(['string', "'a' -- c\n'b'"]);
    expect(tokens("'a' -- c\n'b'", COCKROACH)).toEqual([
      ['string', "'a'"],
      ['line-comment', '-- c'],
      ['string', "'b'"],
    ]);
    expect(tokens("'a' /* c */\n'b'")).toEqual([
      ['string', "'a'"],
      ['block-comment', '/* c */'],
      ['string', "'b'"],
    ]);
  });

  it('reads $$…$$ and $tag$…$tag$ with nothing escaped inside; $1 is a parameter', () => {
    expect(tokens("$$it's; \\$$ ; $a_1$ $$ ' $A_1$ $a_1$ $1 $23x")).toEqual([
      ['dollar-string', "$$it's; \\$$"],
      ['symbol', ';'],
      ['dollar-string', "$a_1$ $$ ' $A_1$ $a_1$"],
      ['parameter', '$1'],
      ['parameter', '$23'],
      ['word', 'x'],
    ]);
    expect(tokens('$1$ $$x$$')).toEqual([
      ['parameter', '$1'],
      ['symbol', '$'],
      ['dollar-string', '$$x$$'],
    ]);
    expect(tokens('$ 1')).toEqual([
      ['symbol', '$'],
      ['number', '1'],
    ]);
  });

  it('keeps a $ inside a word: x$$ is an identifier, not the start of a dollar quote', () => {
    expect(tokens('x$$; DROP TABLE t; --$$')).toEqual([
      ['word', 'x$$'],
      ['symbol', ';'],
      ['word', 'DROP'],
      ['word', 'TABLE'],
      ['word', 't'],
      ['symbol', ';'],
      ['line-comment', '--$$'],
    ]);
  });

  it('reads "…" identifiers with "" as a quote; backslash is plain text', () => {
    expect(tokens('"a"";b\\" ; c')).toEqual([
      ['quoted-identifier', '"a"";b\\"'],
      ['symbol', ';'],
      ['word', 'c'],
    ]);
  });

  it('reads -- comments to the end of the line and nests /* */ comments', () => {
    expect(tokens('a -- x;\nb /* 1 /* 2 */ ; */ c */ d')).toEqual([
      ['word', 'a'],
      ['line-comment', '-- x;'],
      ['word', 'b'],
      ['block-comment', '/* 1 /* 2 */ ; */'],
      ['word', 'c'],
      ['symbol', '*'],
      ['symbol', '/'],
      ['word', 'd'],
    ]);
    expect(tokens("'--' /*'*/ '/*'")).toEqual([
      ['string', "'--'"],
      ['block-comment', "/*'*/"],
      ['string', "'/*'"],
    ]);
  });

  it('reports every unterminated literal, quoted name and comment, running to the end', () => {
    for (const [text, kind] of [
      ["x 'open", 'string'],
      ["x E'open\\'", 'string'],
      ["x E'\\", 'string'],
      ["x U&'open", 'string'],
      ["x B'01", 'string'],
      ['x $$open', 'dollar-string'],
      ['x $t$open $T$', 'dollar-string'],
      ['x "open', 'quoted-identifier'],
      ['x U&"open', 'quoted-identifier'],
      ['x /* open', 'block-comment'],
      ['x /* /* */ open', 'block-comment'],
    ] as const) {
      const last = tokens(text).at(-1);
      expect(last, text).toEqual([`${kind satisfies SqlTokenKind}!`, text.slice(2)]);
    }
  });

  it('treats non-ASCII letters as identifier characters, as the servers do', () => {
    expect(tokens("éE'\\' ;")).toEqual([
      ['word', 'éE'],
      ['string', "'\\'"],
      ['symbol', ';'],
    ]);
  });

  it('needs one reading only when the text has no backslash, line break or \\v: the readings agree then', () => {
    expect(readingsOf("SELECT 'a', E'b', $$c$$")).toHaveLength(1);
    for (const text of ["E'\\'", "'a'\n'b'", "'a'\r'b'", 'a\vb'])
      expect(readingsOf(text)).toBe(SERVER_READINGS);
    const sqlish = fc.string({
      unit: fc.constantFrom(...'abEebBXxNnUu&\'"$1;-*/ (),='.split('')),
      maxLength: 40,
    });
    fc.assert(
      fc.property(sqlish, (text) => {
        const readings = SERVER_READINGS.map((rules) => scanSql(text, rules));
        for (const reading of readings.slice(1)) expect(reading).toEqual(readings[0]);
      }),
      { seed: 4_242, numRuns: 2_000 },
    );
  });
});
