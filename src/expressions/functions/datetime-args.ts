import { MICROS_PER_DAY, parseDate } from '../../core/datetime.js';
import { argTypeError } from './checks.js';
import type { ArgInfo, FunctionContext } from './function.js';
import { getZone, parseTimestampIn, type Zone } from '../../core/time-zone.js';

/**
 * Shared pieces of the date/time functions: the session zone, civil-date
 * arithmetic on days since the epoch, and converters that accept a string,
 * date or timestamp argument the way Spark's implicit casts do.
 */

const MS_PER_DAY = 86_400_000;

/** The session time zone of a query. */
export function zoneOf(ctx: FunctionContext): Zone {
  return getZone(ctx.timeZone || 'UTC');
}

/** Days since epoch → [year, month 1-12, day]. */
export function ymd(days: number): [number, number, number] {
  const d = new Date(days * MS_PER_DAY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** [year, month 1-12, day] → days since epoch; out-of-range months/days roll over like Date.UTC. */
export function daysOf(y: number, m: number, d: number): number {
  return Math.floor(new Date(0).setUTCFullYear(y, m - 1, d) / MS_PER_DAY);
}

/** Days in month m (1-12) of year y. */
export function daysInMonth(y: number, m: number): number {
  return new Date(new Date(0).setUTCFullYear(y, m, 0)).getUTCDate();
}

/** Converter of a string/date/timestamp argument to micros in `zone`; throws for other types. */
export function timestampOf(fn: string, i: number, a: ArgInfo, zone: Zone): (v: any) => number | null {
  switch (a.type.kind) {
    case 'timestamp': case 'null': return (t: number) => t;
    case 'date': return (d: number) => zone.toUtcMs(d * MS_PER_DAY) * 1000;
    case 'string': return (s: string) => parseTimestampIn(s, zone);
    default: throw argTypeError(fn, i, a, 'timestamp');
  }
}

/** Converter of a string/date/timestamp argument to days (the local date in `zone` for timestamps). */
export function dateOf(fn: string, i: number, a: ArgInfo, zone: Zone): (v: any) => number | null {
  switch (a.type.kind) {
    case 'date': case 'null': return (d: number) => d;
    case 'timestamp': return (t: number) => Math.floor((t + zone.offsetMs(Math.floor(t / 1000)) * 1000) / MICROS_PER_DAY);
    case 'string': return (s: string) => parseDate(s.trim());
    default: throw argTypeError(fn, i, a, 'date');
  }
}
