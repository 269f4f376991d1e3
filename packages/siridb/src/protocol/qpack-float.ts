import { ConfigError } from '@conn/core';

/**
 * A number that qpack always writes as a double, even when it is integral.
 *
 * JavaScript has one number type, so `22` is written as the integer 22. SiriDB keeps the type of the
 * first value written to a series, so a float series needs `22.0`: wrap it, `qpackFloat(22)`.
 * `-1`, `0` and `1` take one byte (`0x7d`/`0x7e`/`0x7f`), every other value `0xec` + 8 bytes, exactly
 * as Python's qpack writes a `float`.
 *
 * The decoder returns instances of this class for doubles when called with `floats: 'wrap'`, so
 * integers and doubles stay distinct.
 */
export class QpackFloat {
  /** The number, written as an IEEE-754 double. */
  readonly value: number;

  constructor(value: number) {
    if (typeof value !== 'number') {
      throw new ConfigError(`qpack: QpackFloat needs a number, got ${typeof value}`, {
        code: 'CONN_SIRIDB_QPACK_TYPE',
      });
    }
    this.value = value;
  }

  /** The number itself, so a `QpackFloat` works in arithmetic and comparisons. */
  valueOf(): number {
    return this.value;
  }

  /** The number's own string form. */
  toString(): string {
    return String(this.value);
  }

  /** Serialises as the bare number (`NaN` and infinities become `null`, as JSON does). */
  toJSON(): number {
    return this.value;
  }
}

/** Wraps `value` so qpack writes it as a double: `qpackFloat(22)` is sent as `22.0`. */
export function qpackFloat(value: number): QpackFloat {
  return new QpackFloat(value);
}
