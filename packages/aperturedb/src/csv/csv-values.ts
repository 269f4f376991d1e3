import { ConfigError } from '@conn/core';
import type { Constraints, PropertyValue } from '../query/constraints.js';
import { CSV_FORMAT_ERROR } from './csv-parser.js';

// Column conventions of the SDK's CSV loaders (docs/protocols/aperturedb.md §6): a `constraint_<key>`
// column makes the add conditional (`if_not_found: { key: ['==', value] }`); a `date:<key>` column
// (and `constraint_date:<key>`) holds a time, sent as `{ _date: value }`.

const CONSTRAINT_PREFIX = 'constraint_';
const DATE_PREFIX = 'date:';
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A cell as a property value: a number when it reads as one (integers only within 2^53, larger
 * ones stay strings so no digit is lost), `true` / `false` in any case as booleans, else the text.
 * An empty cell is `undefined`: no property (the SDK skips missing values too).
 */
export function parseCsvValue(text: string): PropertyValue | undefined {
  if (text === '') return undefined;
  if (NUMBER.test(text)) {
    const value = Number(text);
    const isInteger = !/[.eE]/.test(text);
    if (Number.isFinite(value) && (!isInteger || Number.isSafeInteger(value))) return value;
    return text;
  }
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return text;
}

/** A property or constraint column. */
interface ValueColumn {
  readonly index: number;
  readonly key: string;
  readonly date: boolean;
}

/** Which columns (from `first` on) are properties and which are `constraint_` columns. */
export interface ColumnPlan {
  readonly properties: readonly ValueColumn[];
  readonly constraints: readonly ValueColumn[];
}

/** Plans the columns from `first` on; `skip` names columns that are neither. */
export function planColumns(
  header: readonly string[],
  first: number,
  skip: ReadonlySet<string> = new Set(),
): ColumnPlan {
  const properties: ValueColumn[] = [];
  const constraints: ValueColumn[] = [];
  for (let index = first; index < header.length; index++) {
    const name = header[index] as string;
    if (skip.has(name)) continue;
    const isConstraint = name.startsWith(CONSTRAINT_PREFIX);
    const rest = isConstraint ? name.slice(CONSTRAINT_PREFIX.length) : name;
    const date = rest.startsWith(DATE_PREFIX);
    const key = date ? rest.slice(DATE_PREFIX.length) : rest;
    if (key === '') throw csvError(`column ${index + 1} ("${name}") names no property`);
    (isConstraint ? constraints : properties).push({ index, key, date });
  }
  return { properties, constraints };
}

/** The row's properties per `plan`; empty cells are left out. */
export function propertiesOf(plan: ColumnPlan, values: readonly string[]): Record<string, PropertyValue> {
  const properties: Record<string, PropertyValue> = {};
  for (const column of plan.properties) {
    const value = cellValue(column, values);
    if (value !== undefined) properties[column.key] = value;
  }
  return properties;
}

/** The row's `if_not_found` constraints per `plan`, or `undefined` when it has none. */
export function constraintsOf(plan: ColumnPlan, values: readonly string[]): Constraints | undefined {
  const constraints: Record<string, readonly ['==', PropertyValue]> = {};
  let any = false;
  for (const column of plan.constraints) {
    const value = cellValue(column, values);
    if (value === undefined) continue;
    constraints[column.key] = ['==', value];
    any = true;
  }
  return any ? constraints : undefined;
}

function cellValue(column: ValueColumn, values: readonly string[]): PropertyValue | undefined {
  const text = values[column.index] ?? '';
  if (column.date) return text === '' ? undefined : { _date: text };
  return parseCsvValue(text);
}

/** A CSV that does not fit the loader's layout. */
export function csvError(why: string): ConfigError {
  return new ConfigError(`CSV layout: ${why}`, { code: CSV_FORMAT_ERROR });
}
