import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { decodeRows } from '../../src/copy/copy-rows.js';
import { copyFromStatement, copyLineOf, copyToStatements } from '../../src/copy/copy-statements.js';
import {
  decodeCopyField,
  decodeCopyLine,
  encodeCopyRow,
  encodeCopyValue,
  escapeCopyText,
  rowValues,
} from '../../src/copy/copy-text.js';
import { ConfigError } from '../../src/index.js';

/** pg's own parameter serialiser, the reference COPY must agree with. */
const pgUtils = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;

/** Strings rich in what the text format must escape, plus any unicode. */
const hostileString = fc.oneof(
  fc.string({ unit: fc.constantFrom('\\', '\t', '\n', '\r', 'N', '.', 'x', ' ', 'é', '😀') }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', '\\N', 'NULL', '\\.', '\\\\N'),
);

describe('COPY text encoding', () => {
  it('writes null and undefined as \\N and keeps the empty string and the text "\\N" apart from it', () => {
    expect(encodeCopyValue(null)).toBe('\\N');
    expect(encodeCopyValue(undefined)).toBe('\\N');
    expect(encodeCopyValue('')).toBe('');
    expect(encodeCopyValue('\\N')).toBe('\\\\N');
    expect(decodeCopyField('\\\\N')).toBe('\\N');
    expect(decodeCopyField('')).toBe('');
    expect(decodeCopyField('\\N')).toBeNull();
  });

  it('escapes backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('writes numbers, bigints and booleans as PostgreSQL reads them', () => {
    expect(encodeCopyValue(Number.NaN)).toBe('NaN');
    expect(encodeCopyValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(encodeCopyValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(encodeCopyValue(-0)).toBe('-0');
    expect(encodeCopyValue(1.5e-7)).toBe('1.5e-7');
    expect(encodeCopyValue(2n ** 63n - 1n)).toBe('9223372036854775807');
    expect(encodeCopyValue(true)).toBe('t');
    expect(encodeCopyValue(false)).toBe('f');
  });

  it('writes bytes as escaped bytea hex', () => {
    expect(encodeCopyValue(Buffer.from([0, 255, 16]))).toBe('\\\\x00ff10');
    expect(encodeCopyValue(new Uint8Array([1, 2]).subarray(1))).toBe('\\\\x02');
    expect(decodeCopyField(encodeCopyValue(Buffer.from([0xab])))).toBe('\\xab');
  });

  it('writes Dates, arrays and objects exactly as pg sends them as parameters', () => {
    const date = new Date('2020-01-02T03:04:05.678Z');
    expect(encodeCopyValue(date)).toBe(pgUtils.prepareValue(date));
    const array = ['a"b', 'c,d', '{e}', null, 'back\\slash', ['nested']];
    expect(decodeCopyField(encodeCopyValue(array))).toBe(pgUtils.prepareValue(array));
    const object = { text: 'tab\there', list: [1, null] };
    expect(decodeCopyField(encodeCopyValue(object))).toBe(JSON.stringify(object));
  });

  it('refuses functions and symbols', () => {
    expect(() => encodeCopyValue(() => 1)).toThrow(ConfigError);
    expect(() => encodeCopyValue(Symbol('s'))).toThrow(ConfigError);
  });

  it('property: any string survives escaping, and the field never holds a raw separator', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const field = encodeCopyValue(text);
        expect(field).not.toMatch(/[\t\n\r]/);
        expect(field === '\\N').toBe(false);
        expect(decodeCopyField(field)).toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: a row of strings and nulls is one line that decodes back to the same values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(hostileString, { nil: null }), { minLength: 1, maxLength: 8 }),
        (values) => {
          const line = encodeCopyRow(values);
          expect(line.endsWith('\n')).toBe(true);
          expect(line.slice(0, -1)).not.toContain('\n');
          expect(decodeCopyLine(line.slice(0, -1))).toEqual(values);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('property: rows split into chunks anywhere (even inside a character) decode the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.option(hostileString, { nil: null }), hostileString), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (rows, cuts) => {
          const bytes = Buffer.from(rows.map((row) => encodeCopyRow(row)).join(''));
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let start = 0;
          for (const point of [...points, bytes.length]) {
            chunks.push(bytes.subarray(start, point));
            start = point;
          }
          async function* source() {
            yield* chunks;
          }
          const columns = [
            { name: 'a', parse: (text: string) => text },
            { name: 'b', parse: (text: string) => text },
          ];
          const decoded: unknown[] = [];
          for await (const row of decodeRows(source(), () => columns)) decoded.push(row);
          expect(decoded).toEqual(rows.map(([a, b]) => ({ a, b })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes object rows by column name and checks array rows against the columns', () => {
    expect(rowValues({ b: 2, a: 1, extra: 3 }, ['a', 'b'], 0)).toEqual([1, 2]);
    expect(() => rowValues([1], ['a', 'b'], 4)).toThrow(/row 5 has 1 values for 2 columns/);
    expect(() => rowValues('x', ['a'], 0)).toThrow(ConfigError);
  });
});

describe('COPY statements', () => {
  it('quotes the table and columns', () => {
    expect(copyFromStatement(['app', 'we"ird'], ['a', 'b c'])).toBe(
      'COPY "app"."we""ird" ("a", "b c") FROM STDIN',
    );
    expect(() => copyFromStatement('t', [])).toThrow(ConfigError);
  });

  it('wraps a query so a trailing comment cannot swallow the parenthesis', () => {
    expect(copyToStatements('SELECT 1 -- note').copy).toBe('COPY (SELECT 1 -- note\n) TO STDOUT');
    expect(copyToStatements({ table: 't', columns: ['a'] })).toEqual({
      copy: 'COPY "t" ("a") TO STDOUT',
      describe: 'SELECT "a" FROM "t" LIMIT 0',
    });
    expect(() => copyToStatements('SELECT 1; DROP TABLE t')).toThrow(ConfigError);
  });

  it('reads the line number from the error context', () => {
    expect(copyLineOf('COPY t, line 3, column n: "x"')).toBe(3);
    expect(copyLineOf('SQL function "f"\nCOPY t, line 12')).toBe(12);
    expect(copyLineOf('COPY t, line 7: "1\t2"')).toBe(7);
    expect(copyLineOf(undefined)).toBeUndefined();
    expect(copyLineOf('PL/pgSQL function f() line 3 at RAISE')).toBeUndefined();
  });
});
