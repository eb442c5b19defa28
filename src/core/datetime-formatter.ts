import { MICROS_PER_DAY } from './datetime.js';
import { parseDateWithPattern, parseWithPattern } from './datetime-parse.js';
import { compilePattern, formatMicros } from './datetime-pattern.js';
import { SpateError } from './errors.js';
import { getZone, type Zone } from './time-zone.js';

/**
 * A Spark datetime pattern bound to a session time zone, for the
 * `dateFormat` / `timestampFormat` options of the CSV and JSON readers and
 * writers. The pattern and zone are checked once per read/write, not per value.
 */
export interface DateTimePattern {
  /** Microseconds since epoch, or null when `s` does not match the whole pattern. */
  parseTimestamp(s: string): number | null;
  /** Days since epoch (the date as written, any offset ignored), or null. */
  parseDate(s: string): number | null;
  /** The text of an instant in the session time zone. */
  formatTimestamp(micros: number): string;
  /** The text of a date; zone letters print the session zone id and a zero offset. */
  formatDate(days: number): string;
}

/** Compiles a Spark datetime pattern in `timeZone`; `optionName` is named in errors. */
export function compileDateTimePattern(pattern: string, timeZone: string, optionName = 'timestampFormat'): DateTimePattern {
  try {
    compilePattern(pattern);
  } catch (e) {
    if (!(e instanceof SpateError)) throw e;
    // Name the reader/writer option, which is what the user has to change.
    throw new SpateError('INVALID_OPTION', `Option '${optionName}' has an invalid datetime pattern: ${e.message}`, { cause: e });
  }
  const zone = getZone(timeZone);
  // A date is a local calendar day: format it at offset zero, keeping the zone's id for V.
  const dateZone: Zone = { id: zone.id, fixed: true, offsetMs: () => 0, toUtcMs: (l) => l };
  return {
    parseTimestamp: (s) => parseWithPattern(s, pattern, zone),
    parseDate: (s) => parseDateWithPattern(s, pattern),
    formatTimestamp: (micros) => formatMicros(micros, pattern, zone),
    formatDate: (days) => formatMicros(days * MICROS_PER_DAY, pattern, dateZone),
  };
}
