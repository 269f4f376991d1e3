import { describe, expect, it } from 'vitest';
import {
  booleanOption,
  ConfigError,
  deadlineOption,
  durationOption,
  integerOption,
  oneOfOption,
  textOption,
} from '../../src/index.js';

function configErrorOf(check: () => unknown): ConfigError {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('option checks', () => {
  it('durations: fallback when undefined, zero and Infinity only when allowed', () => {
    expect(durationOption(undefined, 'waitMs', 250)).toBe(250);
    expect(durationOption(0, 'waitMs', 250)).toBe(0);
    expect(durationOption(Number.POSITIVE_INFINITY, 'waitMs', 1, { allowInfinity: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    const zero = configErrorOf(() => durationOption(0, 'waitMs', 1, { allowZero: false }));
    expect(zero.message).toBe('waitMs must be a positive number of milliseconds, got 0');
    expect(zero.details['field']).toBe('waitMs');
    for (const bad of [-1, Number.NaN, '5', Number.POSITIVE_INFINITY, null]) {
      expect(configErrorOf(() => durationOption(bad, 'waitMs', 1)).details['field']).toBe('waitMs');
    }
  });

  it('deadlines: Infinity means none, undefined means the fallback', () => {
    expect(deadlineOption(Number.POSITIVE_INFINITY, 'timeoutMs', 60_000)).toBeUndefined();
    expect(deadlineOption(undefined, 'timeoutMs', 60_000)).toBe(60_000);
    expect(deadlineOption(25, 'timeoutMs', 60_000)).toBe(25);
    expect(configErrorOf(() => deadlineOption(-5, 'timeoutMs', 1)).message).toContain('timeoutMs');
  });

  it('integers: bounds are inclusive and named in the message', () => {
    expect(integerOption(undefined, 'port', 9000, 1, 65_535)).toBe(9000);
    expect(integerOption(65_535, 'port', 0, 1, 65_535)).toBe(65_535);
    expect(configErrorOf(() => integerOption(65_536, 'port', 0, 1, 65_535)).message).toBe(
      'port must be an integer from 1 to 65535, got 65536',
    );
    expect(configErrorOf(() => integerOption(1.5, 'max', 1, 1)).message).toBe(
      'max must be an integer >= 1, got 1.5',
    );
  });

  it('booleans, enumerations and text', () => {
    expect(booleanOption(undefined, 'keepalive', true)).toBe(true);
    expect(configErrorOf(() => booleanOption('yes', 'keepalive', true)).message).toBe(
      "keepalive must be a boolean, got 'yes'",
    );
    expect(oneOfOption(undefined, 'int64', ['auto', 'bigint'], 'auto')).toBe('auto');
    expect(oneOfOption('bigint', 'int64', ['auto', 'bigint'], 'auto')).toBe('bigint');
    expect(configErrorOf(() => oneOfOption('float', 'int64', ['auto', 'bigint'], 'auto')).message).toBe(
      "int64 must be one of 'auto', 'bigint', got 'float'",
    );
    expect(textOption('iris', 'username')).toBe('iris');
    for (const bad of ['', 'a\0b', 5])
      expect(configErrorOf(() => textOption(bad, 'username')).details['field']).toBe('username');
  });

  it('a text option never repeats the value (it may be a misplaced secret)', () => {
    expect(configErrorOf(() => textOption('hunter2\0', 'username')).message).not.toContain('hunter2');
  });
});
