/** Smallest and largest instant (ms) a JS Date holds; IANA offsets outside are taken at the edge. */
const MAX_DATE_MS = 8.64e15;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/;
const GMT_OFFSET = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;
const MAX_CACHED_ZONES = 256;

// Building an Intl formatter costs far more than using one; results repeat a handful of zones.
const formatters = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The offset from UTC, in seconds, of `zone` at the instant `micros` (docs/protocols/e6data.md §6.4):
 * `+HH:MM`/`-HH:MM` fixed, `Z` or empty UTC, else an IANA name resolved through Intl for that
 * instant. `undefined` when the zone is not recognised.
 */
export function zoneOffsetSeconds(zone: string | undefined, micros: bigint | number): number | undefined {
  if (zone === undefined || zone === '' || zone === 'Z') return 0;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed !== null) {
    const seconds = Number(fixed[2]) * 3600 + Number(fixed[3]) * 60 + Number(fixed[4] ?? 0);
    if (seconds > 18 * 3600) return undefined;
    return fixed[1] === '-' ? -seconds : seconds;
  }
  const formatter = formatterFor(zone);
  if (formatter === null) return undefined;
  const millis = Math.min(MAX_DATE_MS, Math.max(-MAX_DATE_MS, Math.floor(Number(micros) / 1000)));
  const name = formatter.formatToParts(millis).find((part) => part.type === 'timeZoneName')?.value ?? '';
  const gmt = GMT_OFFSET.exec(name);
  if (gmt === null) return undefined;
  const seconds = Number(gmt[2] ?? 0) * 3600 + Number(gmt[3] ?? 0) * 60 + Number(gmt[4] ?? 0);
  return gmt[1] === '-' ? -seconds : seconds;
}

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(zone);
  if (cached !== undefined) return cached;
  let formatter: Intl.DateTimeFormat | null;
  try {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  } catch {
    formatter = null; // RangeError: not a time zone Intl knows
  }
  if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
  formatters.set(zone, formatter);
  return formatter;
}

/** `±HH:MM` (with `:SS` only for historic offsets that have seconds); never `Z`. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const total = Math.abs(offsetSeconds);
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const base = `${sign}${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  return ss === 0 ? base : `${base}:${String(ss).padStart(2, '0')}`;
}
