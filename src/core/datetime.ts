/**
 * Calendar arithmetic for spate's date (days since 1970-01-01) and timestamp
 * (microseconds since 1970-01-01T00:00:00Z) values. Session time zone is UTC
 * unless a zone id is passed; `spark.sql.session.timeZone` defaults to UTC in spate.
 */
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MILLI = 1_000;
export const MICROS_PER_DAY = 86_400_000_000;
const MS_PER_DAY = 86_400_000;

export function daysFromDate(d: Date): number {
  return Math.floor(d.getTime() / MS_PER_DAY);
}
export function dateFromDays(days: number): Date {
  return new Date(days * MS_PER_DAY);
}
export function microsFromDate(d: Date): number {
  return d.getTime() * MICROS_PER_MILLI;
}
export function dateFromMicros(micros: number): Date {
  return new Date(Math.floor(micros / MICROS_PER_MILLI));
}

function pad(n: number, w: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
}

/** 'YYYY-MM-DD', as Spark prints a date. */
export function formatDate(days: number): string {
  const d = dateFromDays(days);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' with trailing zeros of the fraction dropped, as Spark prints a timestamp. */
export function formatTimestamp(micros: number, offsetMinutes = 0): string {
  const local = micros + offsetMinutes * 60 * MICROS_PER_SECOND;
  const secs = Math.floor(local / MICROS_PER_SECOND);
  const frac = local - secs * MICROS_PER_SECOND;
  const d = new Date(secs * 1000);
  let s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (frac > 0) s += '.' + pad(frac, 6).replace(/0+$/, '');
  return s;
}

const DATE_RE = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$/;
const TS_RE = /^\s*([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?\s*$/i;

/** Parses Spark's date string forms ('2024', '2024-01', '2024-01-05', or a timestamp string's date part); null when invalid. */
export function parseDate(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = m[2] === undefined ? 1 : Number(m[2]);
    const d = m[3] === undefined ? 1 : Number(m[3]);
    return validDays(y, mo, d);
  }
  const t = TS_RE.exec(s);
  if (t) return validDays(Number(t[1]), Number(t[2]), Number(t[3]));
  return null;
}

function validDays(y: number, mo: number, d: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCDate() !== d) return null;
  // Date.UTC maps years 0..99 to 1900..1999; correct for it.
  const fixed = y >= 0 && y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
  return Math.floor(fixed / MS_PER_DAY);
}

/** Parses Spark's timestamp string forms ('2024-01-05', '2024-01-05 10:00:00.123', ISO 'T', zone suffix); null when invalid. */
export function parseTimestamp(s: string, offsetMinutes = 0): number | null {
  const m = TS_RE.exec(s);
  if (!m) {
    const days = parseDate(s);
    return days === null ? null : days * MICROS_PER_DAY - offsetMinutes * 60 * MICROS_PER_SECOND;
  }
  const days = validDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (days === null) return null;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || mi > 59 || sec > 59) return null;
  const frac = m[7] === undefined ? 0 : Number((m[7] + '000000').slice(0, 6));
  let offset = offsetMinutes;
  const z = m[8];
  if (z !== undefined) {
    if (z.toUpperCase() === 'Z' || z.toUpperCase() === 'UTC') offset = 0;
    else {
      const sign = z[0] === '-' ? -1 : 1;
      const digits = z.slice(1).replace(':', '');
      offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    }
  }
  return days * MICROS_PER_DAY + ((h * 60 + mi - offset) * 60 + sec) * MICROS_PER_SECOND + frac;
}
