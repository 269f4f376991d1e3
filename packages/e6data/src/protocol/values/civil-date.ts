const MICROS_PER_DAY = 86_400_000_000;
const MICROS_PER_DAY_BIG = 86_400_000_000n;

/** An instant split into whole days since 1970-01-01 and microseconds into that day (always ≥ 0). */
export interface DaysAndMicros {
  readonly days: number;
  readonly microsOfDay: number;
}

/**
 * Floor division of epoch microseconds by a day. True floor for negative values: -1 µs is day -1
 * at 23:59:59.999999 (the reference client gets this wrong; docs/protocols/e6data.md §6.4).
 */
export function splitMicros(micros: bigint | number): DaysAndMicros {
  if (typeof micros === 'number') {
    // Fast path for safe integers: the float quotient can be one off near a day boundary, so the
    // remainder (exact: both products are safe integers) corrects it.
    let days = Math.floor(micros / MICROS_PER_DAY);
    let rest = micros - days * MICROS_PER_DAY;
    if (rest < 0) {
      days -= 1;
      rest += MICROS_PER_DAY;
    } else if (rest >= MICROS_PER_DAY) {
      days += 1;
      rest -= MICROS_PER_DAY;
    }
    return { days, microsOfDay: rest };
  }
  let days = micros / MICROS_PER_DAY_BIG;
  let rest = micros % MICROS_PER_DAY_BIG;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY_BIG;
  }
  return { days: Number(days), microsOfDay: Number(rest) };
}

/**
 * `YYYY-MM-DD` of a day count since 1970-01-01, proleptic Gregorian (H. Hinnant's civil-from-days).
 * Years 0–9999 have 4 digits; later years `+` and all digits; negative years `-` and ≥ 4 digits.
 */
export function formatCivilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
}

function formatYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${String(-year).padStart(4, '0')}`;
  return String(year).padStart(4, '0');
}

/** Two digits, zero-padded. */
export function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** `HH:MM:SS.mmm` of microseconds into a day (milliseconds truncated, as JDBC does). */
export function formatTimeOfDay(microsOfDay: number): string {
  const millis = Math.floor(microsOfDay / 1000);
  const seconds = Math.floor(millis / 1000);
  const ms = millis - seconds * 1000;
  const hh = Math.floor(seconds / 3600);
  const mm = Math.floor((seconds - hh * 3600) / 60);
  const ss = seconds - hh * 3600 - mm * 60;
  return `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}.${String(ms).padStart(3, '0')}`;
}
