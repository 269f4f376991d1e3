import { describe, expect, it } from 'vitest';
import { typeParsersFor } from '../../src/type-parsers.js';

const INT4 = 23;
const INT8 = 20;
const INT8_ARRAY = 1016;
const NUMERIC = 1700;

function parserOf(oid: number): (text: string) => unknown {
  const types = typeParsersFor('bigint');
  if (types === undefined) throw new Error('bigint mode must install parsers');
  return types.getTypeParser(oid, 'text') as unknown as (text: string) => unknown;
}

describe('INT8 parsing', () => {
  it("stays pg's default (a string) unless asked for", () => {
    expect(typeParsersFor('string')).toBeUndefined();
  });

  it('becomes an exact bigint on request, arrays and NULLs included', () => {
    expect(parserOf(INT8)('9223372036854775807')).toBe(9223372036854775807n);
    expect(parserOf(INT8)('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parserOf(INT8_ARRAY)('{1,NULL,-9223372036854775808}')).toEqual([1n, null, -9223372036854775808n]);
    expect(parserOf(INT8_ARRAY)('{{1,2},{3,4}}')).toEqual([
      [1n, 2n],
      [3n, 4n],
    ]);
  });

  it('leaves other types as pg parses them: INT4 a number, NUMERIC an exact string', () => {
    expect(parserOf(INT4)('42')).toBe(42);
    expect(parserOf(NUMERIC)('1.50')).toBe('1.50');
  });
});
