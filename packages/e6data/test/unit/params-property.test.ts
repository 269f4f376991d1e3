import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindParams } from '../../src/params/index.js';

type Mode = 'standard' | 'backslash';
interface StringToken {
  readonly start: number;
  readonly end: number;
  readonly content: string;
}

/**
 * An independent reader of the few constructs our templates use: string literals (unescaping
 * them as the engine would), line and block comments. Written apart from the scanner on purpose.
 */
function stringTokens(sql: string, mode: Mode): StringToken[] {
  const tokens: StringToken[] = [];
  let i = 0;
  while (i < sql.length) {
    if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) throw new Error('unterminated comment');
      i = close + 2;
    } else if (sql[i] === "'") {
      const start = i;
      let content = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw new Error('unterminated string');
        const ch = sql[i] as string;
        if (mode === 'backslash' && ch === '\\') {
          content += sql[i + 1];
          i += 2;
        } else if (ch === "'" && sql[i + 1] === "'") {
          content += "'";
          i += 2;
        } else if (ch === "'") {
          i += 1;
          break;
        } else {
          content += ch;
          i += 1;
        }
      }
      tokens.push({ start, end: i, content });
    } else {
      i += 1;
    }
  }
  return tokens;
}

const PREFIX = "SELECT 'a' AS b, /* c */ ";
const SUFFIX = " AS v -- '\nFROM t WHERE x = 'y'";

/** Binds `value` into the template and proves it landed as exactly one literal holding `value`. */
function expectOneLiteral(value: string, mode: Mode): void {
  const bound = bindParams(`${PREFIX}?${SUFFIX}`, [value], { stringEscape: mode });
  expect(bound.startsWith(PREFIX)).toBe(true);
  expect(bound.endsWith(SUFFIX)).toBe(true);
  const tokens = stringTokens(bound, mode);
  const templateTokens = stringTokens(`${PREFIX}NULL${SUFFIX}`, mode);
  expect(tokens).toHaveLength(templateTokens.length + 1);
  const bound0 = tokens.find((token) => token.start === PREFIX.length);
  expect(bound0).toEqual({ start: PREFIX.length, end: bound.length - SUFFIX.length, content: value });
}

const hostileChar = fc.constantFrom(
  "'",
  '\\',
  '"',
  '`',
  '-',
  '/',
  '*',
  '?',
  ':',
  '$',
  '1',
  'x',
  '\n',
  '\r',
  ';',
  ' ',
  'é',
  '😀',
  '\u2028',
);
const hostileString = fc
  .oneof(
    fc.string({ unit: hostileChar, maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ maxLength: 30 }),
  )
  .filter((text) => !text.includes('\0'));

const INJECTIONS: readonly string[] = [
  "' OR 1=1 --",
  "\\'; DROP TABLE t; --",
  "'); --",
  "\\' OR '1'='1",
  "'' OR ''='",
  "\\\\'; DROP TABLE t; --",
  '*/ DROP TABLE t; /*',
  "'/*",
  '\\',
  "'\n; DROP TABLE t; --",
  "? :x $1 $$ '?'",
  '\u02bc OR 1=1 --',
];

describe('bound strings are exactly one literal', () => {
  for (const mode of ['standard', 'backslash'] as const) {
    it(`holds for random hostile strings (${mode})`, () => {
      fc.assert(
        fc.property(hostileString, (value) => expectOneLiteral(value, mode)),
        { numRuns: 500 },
      );
    });

    it.each(INJECTIONS)(`holds for the classic injection %j (${mode})`, (value) => {
      expectOneLiteral(value, mode);
    });
  }

  it('without a mode, a string holding a backslash is refused (only the engine knows how it reads it)', () => {
    let caught: unknown;
    try {
      bindParams('SELECT ?', ["a\\' OR 1=1 --"]);
    } catch (error) {
      caught = error;
    }
    expect((caught as { code?: string }).code).toBe('CONN_E6DATA_PARAMS');
    expect(String((caught as Error).message)).not.toContain('OR 1=1');
    // Strings without a backslash are written the same in both modes, so they need no mode.
    expect(bindParams('SELECT ?', ["O'Brien -- x"])).toBe("SELECT 'O''Brien -- x'");
  });

  it('a string bound in standard mode is not safe for a backslash engine (why the mode matters)', () => {
    const bound = bindParams(`${PREFIX}?${SUFFIX}`, ["\\'; DROP TABLE t; --"], { stringEscape: 'standard' });
    expect(
      stringTokens(bound, 'backslash').some(
        (t) => t.start === PREFIX.length && t.end === bound.length - SUFFIX.length,
      ),
    ).toBe(false);
  });

  it('each value of a random parameter list lands at its own placeholder', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 5 }), (values) => {
        const sql = `SELECT ${values.map((_, i) => `$${i + 1}`).join(', ')}`;
        const contents = stringTokens(bindParams(sql, values, { stringEscape: 'standard' }), 'standard').map(
          (t) => t.content,
        );
        expect(contents).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });
});
