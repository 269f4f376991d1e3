import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, formatCsvRecord, readCsvRecords, readCsvRows } from '../../src/csv/index.js';

/** Parses `text` fed in the given chunk sizes (cycled). */
function parseInChunks(text: string, sizes: readonly number[] = [text.length || 1]): string[][] {
  const parser = new CsvParser();
  const records: string[][] = [];
  let at = 0;
  let turn = 0;
  while (at < text.length) {
    const size = Math.max(1, sizes[turn++ % sizes.length] as number);
    records.push(...parser.push(text.slice(at, at + size)));
    at += size;
  }
  records.push(...parser.end());
  return records;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

describe('CsvParser (RFC 4180)', () => {
  it('reads quoted fields with commas, escaped quotes and embedded line breaks', () => {
    const text = 'a,"b,c","say ""hi""","line1\nline2\r\nline3"\r\n1,,"",x\n';
    expect(parseInChunks(text)).toEqual([
      ['a', 'b,c', 'say "hi"', 'line1\nline2\r\nline3'],
      ['1', '', '', 'x'],
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends, skips empty lines, and needs no final line break', () => {
    expect(parseInChunks('a,b\r\nc,d\ne,f\rg,h\n\n\r\ni,j')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
      ['i', 'j'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries (inside quotes, between CR and LF)', () => {
    const text = 'x,"q""q",y\r\n"multi\r\nline",2\r\n';
    const whole = parseInChunks(text);
    for (let size = 1; size <= text.length; size++) expect(parseInChunks(text, [size])).toEqual(whole);
  });

  it('keeps an empty field at the end of a record, and a lone "" record', () => {
    expect(parseInChunks('a,\n""\n,\n')).toEqual([['a', ''], [''], ['', '']]);
  });

  it('rejects an unclosed quote, a character after a closing quote and a quote inside an unquoted field', () => {
    expect(() => parseInChunks('a,"open\n')).toThrow(/line 2.*inside a quoted field/);
    expect(() => parseInChunks('"a"b\n')).toThrow(/follows the closing quote/);
    expect(() => parseInChunks('ab"c\n')).toThrow(/quote inside an unquoted field/);
    let thrown: unknown;
    try {
      parseInChunks('ok\n"a"b\n');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'CONN_APERTUREDB_CSV', details: { line: 2 } });
    // Line numbers count a CRLF once, also when a chunk ends between the CR and the LF.
    expect(() => parseInChunks('a\r\nb\r\n"x"y', [1])).toThrow(/line 3/);
    expect(() => parseInChunks('a\r\nb\r\n"x"y')).toThrow(/line 3/);
  });

  it('property: random records → formatCsvRecord → parse in random chunks → the same records', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', '𝄞', '1') });
    const record = fc.array(field, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
        (records, lineEnd, sizes) => {
          const text = records.map((r) => formatCsvRecord(r) + lineEnd).join('');
          expect(parseInChunks(text, sizes)).toEqual(records);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('readCsvRecords / readCsvRows', () => {
  it('decodes UTF-8 split across byte chunks and drops a byte-order mark', async () => {
    const bytes = new TextEncoder().encode('\uFEFFname,sym\nDvořák,𝄞\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await collect(readCsvRecords(Readable.from(chunks)))).toEqual([
      ['name', 'sym'],
      ['Dvořák', '𝄞'],
    ]);
  });

  it('pairs rows with the header and rejects a row of another width', async () => {
    const rows = await collect(readCsvRows(['h1,h2\n1,2\n', '3,4\n']));
    expect(rows.map((row) => [row.rowNumber, row.values])).toEqual([
      [1, ['1', '2']],
      [2, ['3', '4']],
    ]);
    await expect(collect(readCsvRows(['h1,h2\n1,2,3\n']))).rejects.toMatchObject({
      code: 'CONN_APERTUREDB_CSV',
      details: { row: 1 },
    });
  });
});
