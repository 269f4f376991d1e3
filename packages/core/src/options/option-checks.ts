import { ConfigError } from '../errors/index.js';

// One set of option checks for core and every driver: a bad value is a ConfigError that names the
// field and what it must be, before any I/O.

/** Options of {@link durationOption}. */
export interface DurationRule {
  /** Accept 0 (default true). */
  readonly allowZero?: boolean;
  /** Accept `Infinity` (default false). */
  readonly allowInfinity?: boolean;
}

/**
 * A number of milliseconds, or `fallback` when `value` is undefined.
 * @throws ConfigError naming `field` when `value` is not a non-negative (or positive) number.
 */
export function durationOption(
  value: unknown,
  field: string,
  fallback: number,
  rule: DurationRule = {},
): number {
  if (value === undefined) return fallback;
  const allowZero = rule.allowZero ?? true;
  const allowInfinity = rule.allowInfinity ?? false;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowZero && value === 0) ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    const kind = allowZero ? 'non-negative' : 'positive';
    const range = allowInfinity ? ' (or Infinity)' : '';
    throw optionError(field, `must be a ${kind} number of milliseconds${range}`, value);
  }
  return value;
}

/**
 * A call deadline in milliseconds: `Infinity` means none (`undefined`), `undefined` means `fallback`.
 * @throws ConfigError naming `field` for anything but a non-negative number.
 */
export function deadlineOption(
  value: unknown,
  field: string,
  fallback: number | undefined,
): number | undefined {
  if (value === Number.POSITIVE_INFINITY) return undefined;
  if (value === undefined) return fallback;
  return durationOption(value, field, 0, { allowInfinity: false });
}

/**
 * A safe integer of at least `minimum` (and at most `maximum`), or `fallback` when undefined.
 * @throws ConfigError naming `field` otherwise.
 */
export function integerOption(
  value: unknown,
  field: string,
  fallback: number,
  minimum: number,
  maximum: number = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    const range = maximum === Number.MAX_SAFE_INTEGER ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
    throw optionError(field, `must be an integer ${range}`, value);
  }
  return value;
}

/** A boolean, or `fallback` when undefined. @throws ConfigError naming `field` otherwise. */
export function booleanOption(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw optionError(field, 'must be a boolean', value);
  return value;
}

/** One of `allowed`, or `fallback` when undefined. @throws ConfigError naming `field` otherwise. */
export function oneOfOption<const T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw optionError(field, `must be one of ${allowed.map((name) => `'${name}'`).join(', ')}`, value);
  }
  return value as T;
}

/** A non-empty string without NUL. @throws ConfigError naming `field` otherwise. */
export function textOption(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    // The value is not repeated: a misplaced secret must not reach the message.
    throw new ConfigError(`${field} must be a non-empty string without NUL`, { field });
  }
  return value;
}

function optionError(field: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(`${field} ${rule}, got ${describe(value)}`, { field });
}

/** What was given, briefly: option values are never secrets, but strings are cut short. */
function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
