import { malformedChunk } from '../protocol-errors.js';

/** Largest |scale| accepted: beyond it a hostile batch could make us build huge strings. */
export const MAX_DECIMAL_SCALE = 1000;

const DECIMAL_LITERAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A DECIMAL128 value as an exact decimal string (docs/protocols/e6data.md §6.4): no bytes → null;
 * printable ASCII that is a decimal literal → that literal (scale ignored, as the reference client
 * does); 1–16 bytes → big-endian two's-complement unscaled integer × 10^-scale, placed by string
 * manipulation so all 38 digits stay exact; longer → `CONN_E6DATA_MALFORMED_CHUNK` (`offset` is
 * reported in the error).
 */
export function decimalFromBytes(bytes: Uint8Array, scale: number, offset = 0): string | null {
  if (bytes.length === 0) return null;
  const literal = asciiLiteral(bytes);
  if (literal !== undefined) return literal;
  if (bytes.length > 16) throw malformedChunk(`decimal of ${bytes.length} bytes (at most 16)`, offset);
  if (!Number.isInteger(scale) || Math.abs(scale) > MAX_DECIMAL_SCALE) {
    throw malformedChunk(`decimal scale ${scale} out of range`, offset);
  }
  return scaleUnscaled(twosComplement(bytes), scale);
}

function asciiLiteral(bytes: Uint8Array): string | undefined {
  // Fast reject: a 16-byte binary value almost never is all printable ASCII.
  if (bytes.length > 80) return undefined;
  let text = '';
  for (const byte of bytes) {
    if (byte < 0x20 || byte > 0x7e) return undefined;
    text += String.fromCharCode(byte);
  }
  return DECIMAL_LITERAL.test(text) ? text : undefined;
}

function twosComplement(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return BigInt.asIntN(bytes.length * 8, value);
}

/** `unscaled × 10^-scale` as a plain decimal string (no exponent). */
export function scaleUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  if (scale <= 0) return `${sign}${digits}${'0'.repeat(unscaled === 0n ? 0 : -scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  const point = padded.length - scale;
  return `${sign}${padded.slice(0, point)}.${padded.slice(point)}`;
}
