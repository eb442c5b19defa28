import { DateType, DoubleType, IntegerType, StringType, TimestampType } from '../../core/types.js';
import { MICROS_PER_DAY } from '../../core/datetime.js';
import { argTypeError, coerceArg, literalArg } from './checks.js';
import { dateOf, daysInMonth, daysOf, timestampOf, ymd, zoneOf } from './datetime-args.js';
import { localFields } from '../../core/datetime-pattern.js';
import type { ScalarFunction } from './function.js';
import { register, registerAlias } from './registry.js';

/**
 * Calendar arithmetic: date_add, date_sub, datediff, add_months,
 * months_between, next_day, trunc, date_trunc. Truncation and month
 * arithmetic work on local dates in the session time zone.
 */

const MS_PER_DAY = 86_400_000;

function dateArith(name: string, sign: number): ScalarFunction {
  return {
    name, minArgs: 2, maxArgs: 2,
    resolve(args, ctx) {
      const conv = dateOf(name, 0, args[0]!, zoneOf(ctx));
      // The days are an int (or a string read as one); Spark refuses bigint, decimal and double here.
      const k = args[1]!.type.kind;
      if (k !== 'int' && k !== 'string' && k !== 'null') throw argTypeError(name, 1, args[1]!, 'int');
      return {
        type: DateType, nullable: true, argTypes: [undefined, coerceArg(name, 1, args[1]!, IntegerType)],
        impl: (v: unknown, n: number) => { const d = conv(v); return d === null ? null : (d + sign * n) | 0; },
      };
    },
  };
}

const datediff: ScalarFunction = {
  name: 'datediff', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const zone = zoneOf(ctx);
    const a = dateOf('datediff', 0, args[0]!, zone);
    const b = dateOf('datediff', 1, args[1]!, zone);
    return { type: IntegerType, nullable: true, impl: (x: unknown, y: unknown) => { const p = a(x); const q = b(y); return p === null || q === null ? null : p - q; } };
  },
};

/** add_months: the day is clamped to the target month's length (Spark 3 no longer keeps "last day" stickiness). */
export function addMonths(days: number, n: number): number {
  const [y, m, d] = ymd(days);
  const total = y * 12 + (m - 1) + n;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12 + 1;
  return daysOf(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

const addMonthsFn: ScalarFunction = {
  name: 'add_months', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const conv = dateOf('add_months', 0, args[0]!, zoneOf(ctx));
    return {
      type: DateType, nullable: true, argTypes: [undefined, coerceArg('add_months', 1, args[1]!, IntegerType)],
      impl: (v: unknown, n: number) => { const d = conv(v); return d === null ? null : addMonths(d, n); },
    };
  },
};

/** months_between(t1, t2[, roundOff = true]): whole months when the days of month match or both are month ends, else a 31-day-month fraction. */
const monthsBetween: ScalarFunction = {
  name: 'months_between', minArgs: 2, maxArgs: 3,
  resolve(args, ctx) {
    const zone = zoneOf(ctx);
    const a = timestampOf('months_between', 0, args[0]!, zone);
    const b = timestampOf('months_between', 1, args[1]!, zone);
    const round = args[2] ? literalArg<boolean>('months_between', 2, args[2], 'boolean') !== false : true;
    return {
      type: DoubleType, nullable: true,
      impl: (x: unknown, y: unknown) => {
        const t1 = a(x);
        const t2 = b(y);
        if (t1 === null || t2 === null) return null;
        const f1 = localFields(t1, zone);
        const f2 = localFields(t2, zone);
        const months = (f1.year - f2.year) * 12 + f1.month - f2.month;
        const last1 = f1.day === daysInMonth(f1.year, f1.month);
        const last2 = f2.day === daysInMonth(f2.year, f2.month);
        if (f1.day === f2.day || (last1 && last2)) return months;
        // Whole seconds of the day, as Spark (it drops the microseconds here).
        const secs1 = f1.hour * 3600 + f1.minute * 60 + f1.second;
        const secs2 = f2.hour * 3600 + f2.minute * 60 + f2.second;
        const diff = months + ((f1.day - f2.day) * 86400 + secs1 - secs2) / (31 * 86400);
        return round ? Math.round(diff * 1e8) / 1e8 : diff;
      },
    };
  },
};

const DAY_NAMES: Record<string, number> = { MO: 0, MON: 0, MONDAY: 0, TU: 1, TUE: 1, TUESDAY: 1, WE: 2, WED: 2, WEDNESDAY: 2, TH: 3, THU: 3, THURSDAY: 3, FR: 4, FRI: 4, FRIDAY: 4, SA: 5, SAT: 5, SATURDAY: 5, SU: 6, SUN: 6, SUNDAY: 6 };

/** next_day(date, 'Mon'): the first such weekday strictly after the date; null for an unknown day name. */
const nextDay: ScalarFunction = {
  name: 'next_day', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const conv = dateOf('next_day', 0, args[0]!, zoneOf(ctx));
    return {
      type: DateType, nullable: true, argTypes: [undefined, coerceArg('next_day', 1, args[1]!, StringType)],
      impl: (v: unknown, name: string) => {
        const d = conv(v);
        const want = DAY_NAMES[name.trim().toUpperCase()];
        if (d === null || want === undefined) return null;
        const dow = (((d + 3) % 7) + 7) % 7;
        return d + (((want - dow + 6) % 7) + 1);
      },
    };
  },
};

/** Truncates days to the start of a year/quarter/month/week (Monday); undefined for other units. */
function truncDays(days: number, unit: string): number | undefined {
  const [y, m] = ymd(days);
  switch (unit) {
    case 'YEAR': case 'YYYY': case 'YY': return daysOf(y, 1, 1);
    case 'QUARTER': return daysOf(y, m - ((m - 1) % 3), 1);
    case 'MONTH': case 'MM': case 'MON': return daysOf(y, m, 1);
    case 'WEEK': return days - ((((days + 3) % 7) + 7) % 7);
    default: return undefined;
  }
}

/** trunc(date, unit): the date truncated to YEAR/QUARTER/MONTH/WEEK; null for any other unit, as Spark. */
const trunc: ScalarFunction = {
  name: 'trunc', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const conv = dateOf('trunc', 0, args[0]!, zoneOf(ctx));
    return {
      type: DateType, nullable: true, argTypes: [undefined, coerceArg('trunc', 1, args[1]!, StringType)],
      impl: (v: unknown, unit: string) => { const d = conv(v); return d === null ? null : truncDays(d, unit.toUpperCase()) ?? null; },
    };
  },
};

const TIME_UNIT_MICROS: Record<string, number> = { DAY: MICROS_PER_DAY, DD: MICROS_PER_DAY, HOUR: 3_600_000_000, MINUTE: 60_000_000, SECOND: 1_000_000, MILLISECOND: 1000, MICROSECOND: 1 };

/** date_trunc(unit, ts): truncation in the session zone; null for an unknown unit. */
const dateTrunc: ScalarFunction = {
  name: 'date_trunc', minArgs: 2, maxArgs: 2,
  resolve(args, ctx) {
    const zone = zoneOf(ctx);
    const conv = timestampOf('date_trunc', 1, args[1]!, zone);
    return {
      type: TimestampType, nullable: true, argTypes: [coerceArg('date_trunc', 0, args[0]!, StringType), undefined],
      impl: (unitText: string, v: unknown) => {
        const t = conv(v);
        if (t === null) return null;
        const unit = unitText.toUpperCase();
        const off = zone.offsetMs(Math.floor(t / 1000)) * 1000;
        const local = t + off;
        const step = TIME_UNIT_MICROS[unit];
        if (step !== undefined) {
          const truncated = Math.floor(local / step) * step;
          return step >= 3_600_000_000 ? zone.toUtcMs(truncated / 1000) * 1000 : truncated - off;
        }
        const d = truncDays(Math.floor(local / MICROS_PER_DAY), unit);
        return d === undefined ? null : zone.toUtcMs(d * MS_PER_DAY) * 1000;
      },
    };
  },
};

register(dateArith('date_add', 1), dateArith('date_sub', -1), datediff, addMonthsFn, monthsBetween, nextDay, trunc, dateTrunc);
registerAlias('dateadd', 'date_add');
registerAlias('date_diff', 'datediff');
