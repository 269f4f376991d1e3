import pg from 'pg';
import type { Int8Mode } from './options.js';

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;

type TextParser = (value: string) => unknown;

function mapDeep(value: unknown, convert: (item: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapDeep(item, convert));
  return typeof value === 'string' ? convert(value) : value;
}

/**
 * Per-connection type parsers. INT8 stays a string (pg's default) or becomes a `bigint`; NUMERIC
 * and DECIMAL stay strings. Nothing 64-bit ever becomes a lossy `number`.
 */
export function typeParsersFor(int8: Int8Mode): pg.CustomTypesConfig | undefined {
  if (int8 === 'string') return undefined;
  const int8Array = (pg.types.getTypeParser as (oid: number, format: string) => TextParser)(
    INT8_ARRAY_OID,
    'text',
  );
  const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === INT8_OID) return (value: string) => BigInt(value);
      if (oid === INT8_ARRAY_OID) return (value: string) => mapDeep(int8Array(value), (item) => BigInt(item));
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'];
  return { getTypeParser };
}
