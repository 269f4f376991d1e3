import { ConfigError } from '@conn/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkColumnDefinition, UNSAFE_DEFINITION_CODE } from '../../src/sql/column-definition.js';
import { createTableStatement } from '../../src/sql/ddl-statements.js';

/** Definitions that, read by some server, end the statement, hide the rest of it, or never end. */
export const HOSTILE_DEFINITIONS: readonly (readonly [why: string, definition: string])[] = [
  ['plain ;', 'INT; DROP TABLE victim'],
  ["E'' escapes the quote (the issue's example)", "TEXT DEFAULT E'\\''); DROP TABLE victim; --'"],
  ["e'' lower case, \\\\ then \\'", "TEXT DEFAULT e'\\\\\\''); DROP TABLE victim; --'"],
  ["E'' after a number", "TEXT DEFAULT 1E'\\''); DROP TABLE victim; --'"],
  [
    "U&'' ends at the first quote; \\0027 is decoded later",
    "TEXT DEFAULT U&'\\0027'); DROP TABLE victim; --'",
  ],
  ["U&'' UESCAPE", "TEXT DEFAULT U&'!0027' UESCAPE '!'); DROP TABLE victim; --'"],
  ["b'' is BYTES with escapes on CockroachDB", "TEXT DEFAULT b'\\''); DROP TABLE victim; --'"],
  ["B'' has no '' doubling", "TEXT DEFAULT B'1'''); DROP TABLE victim; --'"],
  ["X'' has no '' doubling", "TEXT DEFAULT X'ff'''); DROP TABLE victim; --'"],
  ["'' doubling, then the closing quote", "TEXT DEFAULT 'a'''); DROP TABLE victim; --'"],
  [
    'backslash before a quote: the end when standard_conforming_strings is on',
    "TEXT DEFAULT 'a\\'; DROP TABLE victim; --'",
  ],
  [
    'backslash before a quote: an escape when standard_conforming_strings is off',
    "TEXT DEFAULT '\\''); DROP TABLE victim; --'",
  ],
  [
    'a prefix letter inside a word is no prefix, but the setting may still be off',
    "TEXT DEFAULT xE'\\''); DROP TABLE victim; --'",
  ],
  ["N'' follows standard_conforming_strings", "TEXT DEFAULT N'\\''); DROP TABLE victim; --'"],
  ["a continued E'' literal keeps its escapes", "TEXT DEFAULT E'a'\n'\\''); DROP TABLE victim; --'"],
  ['$$ closes before the ;', 'TEXT DEFAULT $$x$$); DROP TABLE victim; --$$'],
  ['$tag$ closes at the first identical tag', 'TEXT DEFAULT $a$x$a$; DROP TABLE victim; --$A$'],
  ['a $ inside a word starts no dollar quote', 'TEXT DEFAULT x$$; DROP TABLE victim; --$$'],
  ['$1 is a parameter, not a tag', 'TEXT DEFAULT $1x$; DROP TABLE victim; --$1x$'],
  ['a parameter', 'INT DEFAULT $1'],
  ['a line comment', 'INT -- hidden'],
  ['an empty line comment', 'INT --'],
  ['a block comment', 'INT /*c*/'],
  ['nested block comments', 'INT /* /* */ ; DROP TABLE victim; */'],
  ['an unterminated block comment', 'INT /* open'],
  ["an unterminated '' literal", "TEXT DEFAULT 'open"],
  ["an unterminated E'' literal", "TEXT DEFAULT E'open\\'"],
  ['an unterminated $$ literal', 'TEXT DEFAULT $$open'],
  ['an unterminated $tag$ literal', 'TEXT DEFAULT $t$open$T$'],
  ['an unterminated quoted name', 'INT CONSTRAINT "open'],
  ['a trailing backslash: unterminated when standard_conforming_strings is off', "TEXT DEFAULT 'C:\\'"],
  ["an unbalanced ')'", 'INT)'],
  ["an unbalanced ')' closing the column list", 'INT CHECK (x > 0)) WITH (fillfactor = 70'],
  ["an unbalanced '('", 'NUMERIC(10'],
  ['NUL', 'INT\u0000'],
];

/** Definitions with those characters only inside literals and quoted names. */
export const LEGITIMATE_DEFINITIONS: readonly string[] = [
  "TEXT DEFAULT 'a;b'",
  'NUMERIC(10,2)',
  '"weird ""type"""',
  "TEXT CHECK (x <> '--')",
  "TEXT DEFAULT 'a''); DROP TABLE victim; --'",
  "TEXT DEFAULT E'it\\'s; /* fine */'",
  "TEXT DEFAULT E'back\\\\slash'",
  "TEXT DEFAULT $$it's; -- fine$$",
  'TEXT DEFAULT $d$ $$ ; $d$',
  "TEXT DEFAULT U&'d\\0061t\\+000061'",
  "TEXT DEFAULT U&'d!0061t' UESCAPE '!'",
  "BIT(3) DEFAULT B'101'",
  "BYTEA DEFAULT '\\xdeadbeef'",
  "TEXT DEFAULT 'line 1;'\n'line 2'",
  'INT CONSTRAINT "a;b" CHECK (x > 0 AND (x < 10))',
  'UUID PRIMARY KEY DEFAULT gen_random_uuid()',
];

describe('column definitions', () => {
  it.each(HOSTILE_DEFINITIONS)('refuses %s', (_why, definition) => {
    const error = (() => {
      try {
        checkColumnDefinition(definition, 'columns.note');
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: UNSAFE_DEFINITION_CODE, field: 'columns.note' });
  });

  it.each(LEGITIMATE_DEFINITIONS.map((definition) => [definition]))('accepts %s', (definition) => {
    expect(checkColumnDefinition(definition, 'columns.note')).toBe(definition);
  });

  it('names the reading that refused an ambiguous definition', () => {
    expect(() => checkColumnDefinition("TEXT DEFAULT 'C:\\'", 'c')).toThrow(
      /unterminated literal \(as PostgreSQL reads it with standard_conforming_strings off\)/,
    );
    expect(() => checkColumnDefinition("TEXT DEFAULT b'\\''); DROP TABLE victim; --'", 'c')).toThrow(
      /\(as CockroachDB reads it\)/,
    );
  });

  it('refuses an empty or non-string definition as plain bad input', () => {
    for (const bad of ['', '  ', 42 as unknown as string]) {
      expect(() => checkColumnDefinition(bad, 'c')).toThrow(
        expect.objectContaining({ code: 'CONN_CONFIG', field: 'c' }),
      );
    }
  });

  it('checks table constraints the same way in createTable', () => {
    expect(() =>
      createTableStatement(
        't',
        { a: 'INT' },
        { constraints: ["CHECK (a <> E'\\''); DROP TABLE victim; --')"] },
      ),
    ).toThrow(expect.objectContaining({ code: UNSAFE_DEFINITION_CODE, field: 'constraints[0]' }));
    expect(() => createTableStatement('t', { note: "TEXT DEFAULT E'\\''); DROP TABLE victim; --'" })).toThrow(
      expect.objectContaining({ code: UNSAFE_DEFINITION_CODE, field: 'columns.note' }),
    );
  });

  it('accepts any text correctly quoted as a standard or escape literal', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !text.includes('\u0000')),
        (text) => {
          const escaped = `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
          expect(checkColumnDefinition(`TEXT DEFAULT ${escaped}`, 'c')).toBe(`TEXT DEFAULT ${escaped}`);
          const dollar = `$q$${text.replaceAll('$q$', '')}$q$`;
          expect(checkColumnDefinition(`TEXT DEFAULT ${dollar}`, 'c')).toBe(`TEXT DEFAULT ${dollar}`);
          if (!text.includes('\\')) {
            const standard = `'${text.replaceAll("'", "''")}'`;
            expect(checkColumnDefinition(`TEXT DEFAULT ${standard}`, 'c')).toBe(`TEXT DEFAULT ${standard}`);
          }
        },
      ),
      { seed: 20_260_108, numRuns: 500 },
    );
  });

  it('refuses any literal followed by ; outside it, whatever the literal holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !text.includes('\u0000')),
        (text) => {
          const escaped = `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
          expect(() => checkColumnDefinition(`TEXT DEFAULT ${escaped}; DROP TABLE victim`, 'c')).toThrow(
            expect.objectContaining({ code: UNSAFE_DEFINITION_CODE }),
          );
        },
      ),
      { seed: 20_260_108, numRuns: 500 },
    );
  });
});
