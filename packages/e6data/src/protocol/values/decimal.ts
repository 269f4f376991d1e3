import { malformedChunk } from '../protocol-errors.js';

/** Largest |scale| accepted: beyond it a hostile batch could make us build huge strings. */
export const MAX_DECIMAL_SCALE = 1000;

const DECIMAL_LITERAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TWO_32 = 4_294_967_296;

/**
 * A DECIMAL128 value as an exact decimal string (docs/protocols/e6data.md §6.4): no bytes → null;
 * printable ASCII that is a decimal literal → that literal (scale ignored, as the reference client
 * does); 1–16 bytes → big-endian two's-complement unscaled integer × 10^-scale, placed by string
 * manipulation so all 38 digits stay exact; longer → `CONN_E6DATA_MALFORMED_CHUNK` (`offset` is
 * reported in the error).
 */
export function decimalFromBytes(bytes: Uint8Array, scale: number, offset = 0): string | null {
  return decimalAt(bytes, 0, bytes.length, scale, offset);
}

/**
 * {@link decimalFromBytes} of the `length` bytes at `at` of `bytes`, with no copy. The usual 16-byte value whose unscaled integer is within ±(2^53 − 1) is read as a Number;
 * BigInt only beyond that.
 */
export function decimalAt(
  bytes: Uint8Array,
  at: number,
  length: number,
  scale: number,
  offset: number,
): string | null {
  if (length === 16) {
    const first = bytes[at] as number;
    // 0x00/0xFF first bytes are never a printable literal, so the literal check is not needed.
    if (first === 0 || first === 0xff) {
      const top = int32At(bytes, at);
      const low = int32At(bytes, at + 8);
      // The upper 8 bytes must be pure sign extension of the lower 8.
      if (top === int32At(bytes, at + 4) && top === low >> 31) {
        const unscaled = low * TWO_32 + (int32At(bytes, at + 12) >>> 0);
        // Exact whenever within ±(2^53 − 1): larger magnitudes never round into that range.
        if (unscaled >= -Number.MAX_SAFE_INTEGER && unscaled <= Number.MAX_SAFE_INTEGER) {
          checkScale(scale, offset);
          return safeDecimal(unscaled, scale);
        }
      }
    }
  }
  if (length === 0) return null;
  const bytesOfValue = bytes.subarray(at, at + length);
  const literal = asciiLiteral(bytesOfValue);
  if (literal !== undefined) return literal;
  if (length > 16) throw malformedChunk(`decimal of ${length} bytes (at most 16)`, offset);
  checkScale(scale, offset);
  return scaleUnscaled(twosComplement(bytesOfValue), scale);
}

/** Powers of ten that are small integers: scales 1–9 split a safe unscaled value exactly. */
const SMALL_POWERS: readonly number[] = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** `'0'`, `'00'`, … leading zeros of a fraction part (index = how many). */
const ZEROS: readonly string[] = Array.from({ length: 10 }, (_, n) => '0'.repeat(n));
/** `'.00'` … `'.99'`: scale 2 (money) is the usual case, its fraction text is a lookup. */
const CENTS: readonly string[] = Array.from({ length: 100 }, (_, n) => `.${String(n).padStart(2, '0')}`);

/** A safe-integer unscaled value × 10^-scale, without BigInt. */
function safeDecimal(unscaled: number, scale: number): string {
  const negative = unscaled < 0;
  const magnitude = negative ? -unscaled : unscaled;
  if (scale < 1 || scale > 9) return placePoint(negative, String(magnitude), unscaled === 0, scale);
  const power = SMALL_POWERS[scale] as number;
  // Whole and fraction parts: the quotient may be one off after float rounding, the remainder
  // (exact, |value| < 2^53) corrects it. The fraction is a small integer, cheap to print.
  let whole = Math.floor(magnitude / power);
  let fraction = magnitude - whole * power;
  if (fraction < 0) {
    whole -= 1;
    fraction += power;
  } else if (fraction >= power) {
    whole += 1;
    fraction -= power;
  }
  let fractionText: string;
  if (scale === 2) fractionText = CENTS[fraction] as string;
  else {
    const digits = String(fraction);
    fractionText = `.${ZEROS[scale - digits.length]}${digits}`;
  }
  return negative ? `-${whole}${fractionText}` : whole + fractionText;
}

/** The big-endian int32 at `at` (no DataView to allocate for a caller's plain byte array). */
function int32At(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) << 24) |
    ((bytes[at + 1] as number) << 16) |
    ((bytes[at + 2] as number) << 8) |
    (bytes[at + 3] as number)
  );
}

function checkScale(scale: number, offset: number): void {
  if (!Number.isInteger(scale) || Math.abs(scale) > MAX_DECIMAL_SCALE) {
    throw malformedChunk(`decimal scale ${scale} out of range`, offset);
  }
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
  return placePoint(negative, (negative ? -unscaled : unscaled).toString(), unscaled === 0n, scale);
}

/** Signs `digits` (the magnitude) and places the decimal point `scale` digits from the right. */
function placePoint(negative: boolean, digits: string, isZero: boolean, scale: number): string {
  const sign = negative ? '-' : '';
  if (scale <= 0) return isZero || scale === 0 ? sign + digits : sign + digits + '0'.repeat(-scale);
  const point = digits.length - scale;
  if (point > 0) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign}0.${'0'.repeat(-point)}${digits}`;
}
