import { DateType, DoubleType, IntegerType, LongType, StringType, TimestampType, type DataType } from '../../core/types.js';
import { MICROS_PER_DAY } from '../../core/datetime.js';
import { coerceArg, constValue, simpleFunction } from './checks.js';
import { dateOf, daysInMonth, daysOf, timestampOf, ymd, zoneOf } from './datetime-args.js';
import { formatMicros, localFields } from '../../core/datetime-pattern.js';
import { parseWithPattern } from '../../core/datetime-parse.js';
import type { ArgInfo, Resolution, ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';

export { parseTimestampIn } from '../../core/time-zone.js';
export { daysOf, ymd } from './datetime-args.js';

/**
 * Date and time functions. Timestamps are microseconds since the epoch (UTC)
 * and are shown and split into fields in the session time zone
 * (`ctx.timeZone`); dates are days since 1970-01-01 with no zone.
 */

const MS_PER_DAY = 86_400_000;
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** A date-in, value-out function: `f` gets days since epoch. */
function dateField(name: string, f: (days: number) => number, type: DataType = IntegerType): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, ctx) {
      const conv = dateOf(name, 0, args[0]!, zoneOf(ctx));
      return { type, nullable: true, impl: (v: unknown) => { const d = conv(v); return d === null ? null : f(d); } };
    },
  };
}

/** A timestamp-in function over the local fields in the session zone. */
function timeField(name: string, f: (fl: ReturnType<typeof localFields>) => number): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, ctx) {
      const zone = zoneOf(ctx);
      const conv = timestampOf(name, 0, args[0]!, zone);
      return { type: IntegerType, nullable: true, impl: (v: unknown) => { const t = conv(v); return t === null ? null : f(localFields(t, zone)); } };
    },
  };
}

/** ISO-8601 week number: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(days: number): number {
  const dow = (((days + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = days - dow + 3;
  const [y] = ymd(thursday);
  return Math.floor((thursday - daysOf(y, 1, 1)) / 7) + 1;
}

const currentTimestamp: ScalarFunction = {
  name: 'current_timestamp', minArgs: 0, maxArgs: 0,
  resolve: (_args, ctx) => ({ type: TimestampType, nullable: false, impl: () => ctx.nowMicros, display: 'current_timestamp()' }),
};

const currentDate: ScalarFunction = {
  name: 'current_date', minArgs: 0, maxArgs: 0,
  resolve(_args, ctx) {
    const zone = zoneOf(ctx);
    const ms = Math.floor(ctx.nowMicros / 1000);
    return { type: DateType, nullable: false, impl: () => Math.floor((ms + zone.offsetMs(ms)) / MS_PER_DAY), display: 'current_date()' };
  },
};

function formatArg(fn: string, args: readonly ArgInfo[], i: number): DataType[] {
  return args[i] ? [coerceArg(fn, i, args[i], StringType)] : [];
}

/** to_timestamp(s[, fmt]): parse with a Spark datetime pattern, or as a cast when no pattern is given. */
const toTimestamp: ScalarFunction = {
  name: 'to_timestamp', minArgs: 1, maxArgs: 2,
  resolve(args, ctx): Resolution {
    const zone = zoneOf(ctx);
    if (args.length === 1 || args[0]!.type.kind !== 'string') {
      const conv = timestampOf('to_timestamp', 0, args[0]!, zone);
      return { type: TimestampType, nullable: true, argTypes: [undefined, ...formatArg('to_timestamp', args, 1)], impl: conv };
    }
    return {
      type: TimestampType, nullable: true, argTypes: [StringType, ...formatArg('to_timestamp', args, 1)],
      impl: (s: string, fmt: string) => parseWithPattern(s, fmt, zone),
    };
  },
};

const toDate: ScalarFunction = {
  name: 'to_date', minArgs: 1, maxArgs: 2,
  resolve(args, ctx): Resolution {
    const zone = zoneOf(ctx);
    if (args.length === 1 || args[0]!.type.kind !== 'string') {
      return { type: DateType, nullable: true, argTypes: [undefined, ...formatArg('to_date', args, 1)], impl: dateOf('to_date', 0, args[0]!, zone) };
    }
    return {
      type: DateType, nullable: true, argTypes: [StringType, ...formatArg('to_date', args, 1)],
      impl: (s: string, fmt: string) => {
        const t = parseWithPattern(s, fmt, zone);
        return t === null ? null : Math.floor((t + zone.offsetMs(Math.floor(t / 1000)) * 1000) / MICROS_PER_DAY);
      },
    };
  },
};

const dateFormat: ScalarFunction = {
  name: 'date_format', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const zone = zoneOf(ctx);
    const conv = timestampOf('date_format', 0, args[0]!, zone);
    const fmt = constValue(args[1]);
    if (typeof fmt === 'string') formatMicros(0, fmt, zone); // validate the pattern once, at analysis
    return {
      type: StringType, nullable: true, argTypes: [undefined, coerceArg('date_format', 1, args[1]!, StringType)],
      impl: (v: unknown, f: string) => { const t = conv(v); return t === null ? null : formatMicros(t, f, zone); },
    };
  },
};

/** unix_timestamp([s[, fmt]]): seconds since the epoch; no argument means the query's start time. */
const unixTimestamp: ScalarFunction = {
  name: 'unix_timestamp', minArgs: 0, maxArgs: 2,
  resolve(args, ctx): Resolution {
    const zone = zoneOf(ctx);
    if (args.length === 0) return { type: LongType, nullable: false, impl: () => Math.floor(ctx.nowMicros / 1e6) };
    const argTypes = [undefined, ...formatArg('unix_timestamp', args, 1)];
    if (args[0]!.type.kind === 'string') {
      return {
        type: LongType, nullable: true, argTypes,
        impl: (s: string, fmt = DEFAULT_FORMAT) => { const t = parseWithPattern(s, fmt, zone); return t === null ? null : Math.floor(t / 1e6); },
      };
    }
    const conv = timestampOf('unix_timestamp', 0, args[0]!, zone);
    return { type: LongType, nullable: true, argTypes, impl: (v: unknown) => { const t = conv(v); return t === null ? null : Math.floor(t / 1e6); } };
  },
};

const fromUnixtime: ScalarFunction = {
  name: 'from_unixtime', minArgs: 1, maxArgs: 2,
  resolve(args, ctx) {
    const zone = zoneOf(ctx);
    return {
      type: StringType, argTypes: [coerceArg('from_unixtime', 0, args[0]!, LongType), ...formatArg('from_unixtime', args, 1)],
      impl: (secs: number, fmt = DEFAULT_FORMAT) => formatMicros(secs * 1e6, fmt, zone),
    };
  },
};

function lastDay(days: number): number {
  const [y, m] = ymd(days);
  return daysOf(y, m, daysInMonth(y, m));
}

/** timestamp_seconds(n): fractional seconds allowed; NaN and infinities give null. */
const timestampSeconds: ScalarFunction = {
  name: 'timestamp_seconds', minArgs: 1, maxArgs: 1,
  resolve(args) {
    const t = args[0]!.type;
    if (t.kind === 'int' || t.kind === 'long') return { type: TimestampType, argTypes: [LongType], impl: (n: number) => n * 1e6 };
    return { type: TimestampType, nullable: true, argTypes: [coerceArg('timestamp_seconds', 0, args[0]!, DoubleType, 'numeric')], impl: (n: number) => (Number.isFinite(n) ? Math.trunc(n * 1e6) : null) };
  },
};

function fromTs(name: string, unitMicros: number): ScalarFunction {
  return {
    name, minArgs: 1, maxArgs: 1,
    resolve(args, ctx) {
      const conv = timestampOf(name, 0, args[0]!, zoneOf(ctx));
      return { type: LongType, nullable: true, impl: (v: unknown) => { const t = conv(v); return t === null ? null : Math.floor(t / unitMicros); } };
    },
  };
}

register(
  currentTimestamp, currentDate, toTimestamp, toDate, dateFormat, unixTimestamp, fromUnixtime,
  dateField('year', (d) => ymd(d)[0]), dateField('month', (d) => ymd(d)[1]), dateField('dayofmonth', (d) => ymd(d)[2]),
  dateField('dayofweek', (d) => ((((d + 4) % 7) + 7) % 7) + 1), dateField('weekday', (d) => (((d + 3) % 7) + 7) % 7),
  dateField('dayofyear', (d) => d - daysOf(ymd(d)[0], 1, 1) + 1), dateField('weekofyear', isoWeek),
  dateField('quarter', (d) => Math.ceil(ymd(d)[1] / 3)), dateField('unix_date', (d) => d),
  timeField('hour', (f) => f.hour), timeField('minute', (f) => f.minute), timeField('second', (f) => f.second),
  dateField('last_day', lastDay, DateType),
  timestampSeconds,
  simpleFunction('timestamp_millis', [LongType], TimestampType, (n: number) => n * 1000),
  simpleFunction('timestamp_micros', [LongType], TimestampType, (n: number) => n),
  fromTs('unix_seconds', 1e6), fromTs('unix_millis', 1e3), fromTs('unix_micros', 1),
);
registerAlias('now', 'current_timestamp');
registerAlias('day', 'dayofmonth');
registerAlias('to_unix_timestamp', 'unix_timestamp');
