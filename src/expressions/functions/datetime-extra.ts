import { DateType, IntegerType, StringType, TimestampType } from '../../core/types.js';
import { argTypeError, coerceArg, constValue } from './checks.js';
import { daysOf } from './datetime.js';
import type { ArgInfo, ScalarFunction } from './function.js';
import { register } from './registry.js';
import { getZone, parseTimestampIn, type Zone } from '../../core/time-zone.js';

/**
 * Time-zone shifting and date construction: from_utc_timestamp,
 * to_utc_timestamp, make_date. The zone argument is usually a literal, so
 * its Zone is looked up once at resolve time.
 */

/** The timestamp argument as micros; strings are read as UTC here, because these functions are about shifting. */
function timestampArg(fn: string, a: ArgInfo): (v: any) => number | null {
  switch (a.type.kind) {
    case 'timestamp': case 'null': return (t: number) => t;
    case 'date': return (d: number) => d * 86_400_000_000;
    case 'string': { const utc = getZone('UTC'); return (s: string) => parseTimestampIn(s, utc); }
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
  resolve(args) {
    const conv = timestampArg('from_utc_timestamp', args[0]!);
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
  resolve(args) {
    const conv = timestampArg('to_utc_timestamp', args[0]!);
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

register(fromUtcTimestamp, toUtcTimestamp, makeDate);
