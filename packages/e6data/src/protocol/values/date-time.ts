import {
  floorDays,
  formatCivilDate,
  formatTimeOfDay,
  formatUtcDateTime,
  microsIntoDay,
  splitMicros,
} from './civil-date.js';

/** A DATE value: `YYYY-MM-DD` of epoch microseconds (UTC), floor semantics (docs/protocols/e6data.md §6.4). */
export function formatDate(micros: bigint | number): string {
  if (typeof micros === 'number') return formatCivilDate(floorDays(micros));
  return formatCivilDate(splitMicros(micros).days);
}

/** A DATETIME value: `YYYY-MM-DDTHH:MM:SS.mmm+00:00` of epoch microseconds (UTC). */
export function formatDateTime(micros: bigint | number): string {
  if (typeof micros === 'number') return formatUtcDateTime(micros);
  return `${formatLocal(micros)}+00:00`;
}

/** Wall time without offset: `YYYY-MM-DDTHH:MM:SS.mmm`. */
export function formatLocal(micros: bigint | number): string {
  if (typeof micros === 'number') {
    // Safe integers (all of ±285 years around 1970 and far beyond) stay in Number arithmetic.
    const days = floorDays(micros);
    return `${formatCivilDate(days)}T${formatTimeOfDay(microsIntoDay(micros, days))}`;
  }
  const { days, microsOfDay } = splitMicros(micros);
  return `${formatCivilDate(days)}T${formatTimeOfDay(microsOfDay)}`;
}
