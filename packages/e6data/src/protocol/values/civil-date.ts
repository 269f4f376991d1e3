const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_DAY_BIG = 86_400_000_000n;

/** An instant split into whole days since 1970-01-01 and microseconds into that day (always ≥ 0). */
export interface DaysAndMicros {
  readonly days: number;
  readonly microsOfDay: number;
}

/**
 * Whole days since 1970-01-01 of safe-integer epoch microseconds, true floor (-1 µs is day -1;
 * the reference client gets negatives wrong, docs/protocols/e6data.md §6.4). For safe integers the
 * correctly rounded quotient never crosses an integer (the gap, 1/8.64e10, exceeds half an ulp of
 * any quotient below 2^53 / 8.64e10); the exact remainder check guards that reasoning anyway.
 */
export function floorDays(micros: number): number {
  const days = Math.floor(micros / MICROS_PER_DAY);
  const rest = micros - days * MICROS_PER_DAY;
  if (rest < 0) return days - 1;
  if (rest >= MICROS_PER_DAY) return days + 1;
  return days;
}

/** Microseconds into the day `days` (from {@link floorDays}) of safe-integer `micros`. */
export function microsIntoDay(micros: number, days: number): number {
  return micros - days * MICROS_PER_DAY;
}

/** Floor division of epoch microseconds by a day; BigInt only for values beyond ±(2^53 − 1). */
export function splitMicros(micros: bigint | number): DaysAndMicros {
  if (typeof micros === 'number') {
    const days = floorDays(micros);
    return { days, microsOfDay: microsIntoDay(micros, days) };
  }
  let days = micros / MICROS_PER_DAY_BIG;
  let rest = micros % MICROS_PER_DAY_BIG;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY_BIG;
  }
  return { days: Number(days), microsOfDay: Number(rest) };
}

/** `'00'` … `'99'`: table lookups instead of padding on every value. */
const PAD2: readonly string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
/** `'000'` … `'999'`. */
const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

// Rows of one batch often share a day (timestamps in order), so the last day's text is kept.
let lastDays = Number.NaN;
let lastDate = '';
/** Character codes of the last day seen by {@link formatUtcDateTime}, valid for 4-digit years. */
let codesDays = Number.NaN;
let codesPlain = false;
let y1 = 0;
let y2 = 0;
let y3 = 0;
let y4 = 0;
let m1 = 0;
let m2 = 0;
let d1 = 0;
let d2 = 0;

const ZERO = 48;

/**
 * `YYYY-MM-DD` of a day count since 1970-01-01, proleptic Gregorian (H. Hinnant's civil-from-days).
 * Years 0–9999 have 4 digits; later years `+` and all digits; negative years `-` and ≥ 4 digits.
 */
export function formatCivilDate(days: number): string {
  if (days === lastDays) return lastDate;
  const text = civilDateText(days);
  lastDays = days;
  lastDate = text;
  return text;
}

function civilDateText(days: number): string {
  const packed = civilPacked(days);
  const year = packed >> 9;
  const month = (packed >> 5) & 15;
  const day = packed & 31;
  if (year < 0 || year > 9999) return `${formatYear(year)}-${PAD2[month]}-${PAD2[day]}`;
  // One flat string from character codes: far cheaper than concatenating pieces.
  const centuries = (year / 100) | 0;
  const years = year - centuries * 100;
  return String.fromCharCode(
    ZERO + ((centuries / 10) | 0),
    ZERO + (centuries % 10),
    ZERO + ((years / 10) | 0),
    ZERO + (years % 10),
    45,
    ZERO + ((month / 10) | 0),
    ZERO + (month % 10),
    45,
    ZERO + ((day / 10) | 0),
    ZERO + (day % 10),
  );
}

/**
 * `YYYY-MM-DDTHH:MM:SS.mmm+00:00` of safe-integer epoch microseconds (see {@link floorDays}), built
 * as one flat string; the date's digits are kept while rows stay on the same day.
 */
export function formatUtcDateTime(micros: number): string {
  const days = floorDays(micros);
  if (days !== codesDays) dateCodes(days);
  const microsOfDay = micros - days * MICROS_PER_DAY;
  if (!codesPlain) return `${formatCivilDate(days)}T${formatTimeOfDay(microsOfDay)}+00:00`;
  // microsOfDay < 8.64e10 needs a float floor; the milliseconds (< 8.64e7) fit int32 arithmetic.
  const millis = Math.floor(microsOfDay / 1000) | 0;
  const seconds = (millis / 1000) | 0;
  const ms = millis - seconds * 1000;
  const hh = (seconds / 3600) | 0;
  const minutesAndSeconds = seconds - hh * 3600;
  const mm = (minutesAndSeconds / 60) | 0;
  const ss = minutesAndSeconds - mm * 60;
  const h = (hh / 10) | 0;
  const m = (mm / 10) | 0;
  const s = (ss / 10) | 0;
  const hundreds = (ms / 100) | 0;
  const tens = ((ms / 10) | 0) - hundreds * 10;
  return String.fromCharCode(
    y1,
    y2,
    y3,
    y4,
    45,
    m1,
    m2,
    45,
    d1,
    d2,
    84, // T
    ZERO + h,
    ZERO + hh - h * 10,
    58,
    ZERO + m,
    ZERO + mm - m * 10,
    58,
    ZERO + s,
    ZERO + ss - s * 10,
    46,
    ZERO + hundreds,
    ZERO + tens,
    ZERO + (ms % 10),
    43, // +00:00
    48,
    48,
    58,
    48,
    48,
  );
}

function dateCodes(days: number): void {
  const packed = civilPacked(days);
  const year = packed >> 9;
  const month = (packed >> 5) & 15;
  const day = packed & 31;
  codesDays = days;
  codesPlain = year >= 0 && year <= 9999;
  y1 = ZERO + ((year / 1000) | 0);
  y2 = ZERO + (((year / 100) | 0) % 10);
  y3 = ZERO + (((year / 10) | 0) % 10);
  y4 = ZERO + (year % 10);
  m1 = ZERO + ((month / 10) | 0);
  m2 = ZERO + (month % 10);
  d1 = ZERO + ((day / 10) | 0);
  d2 = ZERO + (day % 10);
}

/**
 * The civil date of a day count since 1970-01-01 packed in one int32 as year × 512 + month × 32 + day
 * (no object per value; `>> 9` gives back negative years too).
 */
function civilPacked(days: number): number {
  // |days| < 1.1e8 for any i64 of microseconds, so all of this is int32 arithmetic; the `| 0`s keep
  // it typed so (the divisions by constants become multiplications instead of float divisions).
  const z = (days + 719_468) | 0;
  const era = ((z >= 0 ? z : z - 146_096) / 146_097) | 0; // floor division, z may be negative
  const dayOfEra = (z - era * 146_097) | 0;
  const yearOfEra =
    ((dayOfEra - ((dayOfEra / 1460) | 0) + ((dayOfEra / 36_524) | 0) - ((dayOfEra / 146_096) | 0)) / 365) | 0;
  const dayOfYear = (dayOfEra - (365 * yearOfEra + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0))) | 0;
  const shifted = ((5 * dayOfYear + 2) / 153) | 0;
  const day = (dayOfYear - (((153 * shifted + 2) / 5) | 0) + 1) | 0;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = (yearOfEra + era * 400 + (month <= 2 ? 1 : 0)) | 0;
  return year * 512 + month * 32 + day;
}

function formatYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${String(-year).padStart(4, '0')}`;
  return String(year).padStart(4, '0');
}

/** `HH:MM:SS.mmm` of microseconds into a day (milliseconds truncated, as JDBC does). */
export function formatTimeOfDay(microsOfDay: number): string {
  const millis = Math.floor(microsOfDay / 1000) | 0;
  const seconds = (millis / 1000) | 0;
  const ms = millis - seconds * 1000;
  const hh = (seconds / 3600) | 0;
  const minutesAndSeconds = seconds - hh * 3600;
  const mm = (minutesAndSeconds / 60) | 0;
  const ss = minutesAndSeconds - mm * 60;
  return `${PAD2[hh]}:${PAD2[mm]}:${PAD2[ss]}.${PAD3[ms]}`;
}
