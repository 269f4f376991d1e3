import { ConfigError } from '@conn/core';

/** Stable code of a malformed CSV text. */
export const CSV_FORMAT_ERROR = 'CONN_APERTUREDB_CSV';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * An RFC 4180 CSV parser fed text in chunks of any size (a chunk may end anywhere, even between
 * the CR and LF of a line break or inside a quoted field). Fields may be quoted; `""` in a quoted
 * field is one quote; quoted fields may hold commas and line breaks. Lines end with CRLF, LF or a
 * lone CR. An empty line is no record. Memory: the current record only.
 */
export class CsvParser {
  #record: string[] = [];
  #field = '';
  #quoted = false;
  /** After the closing quote of a quoted field (or a `""` pair's first quote). */
  #afterQuote = false;
  /** The record has begun: at least one character of it was read. */
  #started = false;
  #skipLf = false;
  #line = 1;

  /** Parses `chunk`, returning the records it completed. */
  push(chunk: string): string[][] {
    const records: string[][] = [];
    const length = chunk.length;
    let index = 0;
    if (this.#skipLf && length > 0) {
      this.#skipLf = false;
      if (chunk.charCodeAt(0) === LF) index = 1;
    }
    while (index < length) {
      if (this.#quoted) {
        // Inside quotes: copy up to the next quote in one slice.
        const close = chunk.indexOf('"', index);
        if (close === -1) {
          this.#countLines(chunk, index, length);
          this.#field += chunk.slice(index);
          return records;
        }
        this.#countLines(chunk, index, close);
        this.#field += chunk.slice(index, close);
        this.#quoted = false;
        this.#afterQuote = true;
        index = close + 1;
        continue;
      }
      const code = chunk.charCodeAt(index);
      if (this.#afterQuote) {
        this.#afterQuote = false;
        if (code === QUOTE) {
          // `""` inside a quoted field: one quote, and still quoted.
          this.#field += '"';
          this.#quoted = true;
          index++;
          continue;
        }
        if (code !== COMMA && code !== LF && code !== CR)
          throw this.#error(`a character follows the closing quote of a field`);
      }
      if (code === COMMA) {
        this.#record.push(this.#field);
        this.#field = '';
        this.#started = true;
        index++;
      } else if (code === LF || code === CR) {
        this.#endRecord(records);
        this.#line++;
        index++;
        if (code === CR) {
          if (index === length) this.#skipLf = true;
          else if (chunk.charCodeAt(index) === LF) index++;
        }
      } else if (code === QUOTE) {
        if (this.#field !== '') throw this.#error('a quote inside an unquoted field');
        this.#quoted = true;
        this.#started = true;
        index++;
      } else {
        // An unquoted run: copy up to the next delimiter in one slice.
        let end = index + 1;
        while (end < length) {
          const next = chunk.charCodeAt(end);
          if (next === COMMA || next === LF || next === CR || next === QUOTE) break;
          end++;
        }
        this.#field += chunk.slice(index, end);
        this.#started = true;
        index = end;
      }
    }
    return records;
  }

  /** Ends the text: the last record, if it had no line break after it. @throws on an unclosed quote. */
  end(): string[][] {
    if (this.#quoted) throw this.#error('the text ends inside a quoted field');
    const records: string[][] = [];
    this.#afterQuote = false;
    this.#endRecord(records);
    return records;
  }

  #endRecord(records: string[][]): void {
    if (this.#started) {
      this.#record.push(this.#field);
      records.push(this.#record);
    }
    this.#record = [];
    this.#field = '';
    this.#started = false;
  }

  #countLines(chunk: string, from: number, to: number): void {
    for (let at = chunk.indexOf('\n', from); at !== -1 && at < to; at = chunk.indexOf('\n', at + 1))
      this.#line++;
  }

  #error(why: string): ConfigError {
    return new ConfigError(`malformed CSV at line ${this.#line}: ${why}`, {
      code: CSV_FORMAT_ERROR,
      details: { line: this.#line },
    });
  }
}

/** One record as RFC 4180 text (no line break): fields quoted when they hold a comma, quote, CR or LF. */
export function formatCsvRecord(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""'; // else it would read as an empty line.
  return fields
    .map((field) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field))
    .join(',');
}
