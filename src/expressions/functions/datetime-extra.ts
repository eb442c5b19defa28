import { AnalysisException } from '../../core/errors.js';
import { DateType, DecimalType, IntegerType, StringType, TimestampType } from '../../core/types.js';
import { argTypeError, coerceArg, constValue } from './checks.js';
import { daysOf } from './datetime.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { lookupScalar, register } from './registry.js';
import { getZone, parseTimestampIn, type Zone } from '../../core/time-zone.js';

/**
 * Time-zone shifting and date construction: from_utc_timestamp,
 * to_utc_timestamp, make_date. The zone argument is usually a literal, so
 * its Zone is looked up once at resolve time.
 */

/** The timestamp argument as micros; a string or a date is a time in the session zone, as Spark's implicit cast reads it. */
function timestampArg(fn: string, a: ArgInfo, timeZone: string): (v: any) => number | null {
  const session = getZone(timeZone);
  switch (a.type.kind) {
    case 'timestamp': case 'null': return (t: number) => t;
    case 'date': return (d: number) => session.toUtcMs(d * 86_400_000) * 1000;
    case 'string': return (s: string) => parseTimestampIn(s, session);
    default: throw argTypeError(fn, 0, a, 'timestamp');
  }
}

function zoneLookup(a: ArgInfo | undefined): (id: string) => Zone {
  const c = constValue(a);
  if (typeof c === 'string') { const z = getZone(c); return () => z; }
  return (id) => getZone(id);
}

/** from_utc_timestamp(ts, tz): the wall-clock time in `tz` of the UTC instant `ts`, as a timestamp (Spark's shift). */
const fromUtcTimestamp: ScalarFunction = {
  name: 'from_utc_timestamp', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const conv = timestampArg('from_utc_timestamp', args[0]!, ctx.timeZone);
    const zone = zoneLookup(args[1]);
    return {
      type: TimestampType, nullable: true, argTypes: [undefined, coerceArg('from_utc_timestamp', 1, args[1]!, StringType)],
      impl: (v: unknown, tz: string) => { const t = conv(v); return t === null ? null : t + zone(tz).offsetMs(Math.floor(t / 1000)) * 1000; },
    };
  },
};

/** to_utc_timestamp(ts, tz): reads `ts` as a wall-clock time in `tz` and gives the UTC instant (inverse of from_utc_timestamp). */
const toUtcTimestamp: ScalarFunction = {
  name: 'to_utc_timestamp', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const conv = timestampArg('to_utc_timestamp', args[0]!, ctx.timeZone);
    const zone = zoneLookup(args[1]);
    return {
      type: TimestampType, nullable: true, argTypes: [undefined, coerceArg('to_utc_timestamp', 1, args[1]!, StringType)],
      impl: (v: unknown, tz: string) => {
        const t = conv(v);
        if (t === null) return null;
        const ms = Math.floor(t / 1000);
        return zone(tz).toUtcMs(ms) * 1000 + (t - ms * 1000);
      },
    };
  },
};

/** make_date(year, month, day): null for an impossible date (ANSI off). */
const makeDate: ScalarFunction = {
  name: 'make_date', minArgs: 3, maxArgs: 3,
  resolve(args) {
    return {
      type: DateType, nullable: true, argTypes: args.map((a, i) => coerceArg('make_date', i, a, IntegerType)),
      impl: (y: number, m: number, d: number) => {
        if (m < 1 || m > 12 || d < 1 || d > 31) return null;
        const days = daysOf(y, m, d);
        return daysOf(y, m, 1) + d - 1 === days && new Date(days * 86_400_000).getUTCMonth() === m - 1 ? days : null;
      },
    };
  },
};

/** EXTRACT(field FROM source)'s fields (Spark's DatePart) and the function each one is. */
const EXTRACT_FIELDS: ReadonlyMap<string, string> = new Map([
  ...['YEAR', 'Y', 'YEARS', 'YR', 'YRS'].map((f) => [f, 'year'] as const),
  ...['QUARTER', 'QTR'].map((f) => [f, 'quarter'] as const),
  ...['MONTH', 'MON', 'MONS', 'MONTHS'].map((f) => [f, 'month'] as const),
  ...['WEEK', 'W', 'WEEKS'].map((f) => [f, 'weekofyear'] as const),
  ...['DAY', 'D', 'DAYS'].map((f) => [f, 'dayofmonth'] as const),
  ...['DAYOFWEEK', 'DOW'].map((f) => [f, 'dayofweek'] as const),
  ...['DAYOFWEEK_ISO', 'DOW_ISO'].map((f) => [f, 'weekday'] as const),
  ['DOY', 'dayofyear'],
  ...['HOUR', 'H', 'HOURS', 'HR', 'HRS'].map((f) => [f, 'hour'] as const),
  ...['MINUTE', 'M', 'MIN', 'MINS', 'MINUTES'].map((f) => [f, 'minute'] as const),
  ...['SECOND', 'S', 'SEC', 'SECONDS', 'SECS'].map((f) => [f, 'second'] as const),
]);

/**
 * extract(field, source), what the parser makes of EXTRACT(field FROM source): the date/time function the
 * field names; SECOND keeps the fraction (decimal(8,6)) and DAYOFWEEK_ISO counts Monday as 1, as in Spark.
 */
const extract: ScalarFunction = {
  name: 'extract', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const field = String(constValue(args[0]) ?? '').toUpperCase();
    const fn = EXTRACT_FIELDS.get(field);
    if (fn === undefined) {
      throw new AnalysisException('EXTRACT_FIELD_UNKNOWN',
        `Cannot extract ${args[0]!.display} from ${args[1]!.display}: the field is not one of YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFWEEK_ISO, DOY, HOUR, MINUTE, SECOND (or their abbreviations).`);
    }
    if (fn === 'second') {
      // The source as a timestamp (the analyzer casts strings and dates in the session zone); seconds with micros.
      return {
        type: DecimalType(8, 6), argTypes: [undefined, TimestampType], display: `extract(${field} FROM ${args[1]!.display})`,
        impl: (_f: string, t: number) => {
          const zone = getZone(ctx.timeZone);
          const local = t + zone.offsetMs(Math.floor(t / 1000)) * 1000;
          const inMinute = ((local % 60_000_000) + 60_000_000) % 60_000_000;
          return inMinute / 1e6;
        },
      };
    }
    const r = lookupScalar(fn)!.resolve([args[1]!], ctx);
    const impl = r.impl;
    return {
      type: r.type, argTypes: [undefined, r.argTypes?.[0]], display: `extract(${field} FROM ${args[1]!.display})`,
      ...(r.nullable !== undefined ? { nullable: r.nullable } : {}),
      impl: fn === 'weekday' ? (_f: string, v: unknown) => { const d = impl(v); return d === null || d === undefined ? null : (d as number) + 1; } : (_f: string, v: unknown) => impl(v),
    };
  },
};

register(extract, fromUtcTimestamp, toUtcTimestamp, makeDate);
