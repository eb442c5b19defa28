import { parseTimestamp } from './datetime.js';
import { SpateError } from './errors.js';

/**
 * Session time zones: the offset of a zone at an instant and the instant of
 * a local wall-clock time, using Intl for IANA zone ids (no tz database of
 * our own). 'UTC' and fixed offsets ('+08:00', 'GMT-5') skip Intl entirely.
 * All times here are milliseconds; callers convert from microseconds.
 */
export interface Zone {
  readonly id: string;
  /** Offset from UTC (local − UTC) in ms at the instant `utcMs`. */
  offsetMs(utcMs: number): number;
  /**
   * The instant of local wall-clock time `localMs` (a UTC-based ms count of
   * the local fields). In a DST gap the time moves forward by the gap; in an
   * overlap the earlier offset wins, as java.time resolves them.
   */
  toUtcMs(localMs: number): number;
  /** True when the offset is the same at every instant. */
  readonly fixed: boolean;
}

const HOUR_MS = 3_600_000;

function fixedZone(id: string, off: number): Zone {
  return { id, fixed: true, offsetMs: () => off, toUtcMs: (l) => l - off };
}

const FIXED_RE = /^(?:UTC|GMT|UT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/i;
const ZONES = new Map<string, Zone>();

/** The zone for a session time zone id; throws a SpateError naming the id when it is unknown. */
export function getZone(id: string): Zone {
  let z = ZONES.get(id);
  if (z) return z;
  z = makeZone(id);
  ZONES.set(id, z);
  return z;
}

function makeZone(id: string): Zone {
  const up = id.toUpperCase();
  if (up === 'UTC' || up === 'GMT' || up === 'Z' || up === 'UT' || up === 'ETC/UTC' || up === 'ETC/GMT') return fixedZone(id, 0);
  const m = FIXED_RE.exec(id.trim());
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    return fixedZone(id, sign * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000);
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: id, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
  } catch (e) {
    throw new SpateError('INVALID_TIME_ZONE',
      `Time zone '${id}' is not known; set spark.sql.session.timeZone to an IANA id such as 'America/Los_Angeles', 'UTC' or an offset like '+08:00'.`, { cause: e });
  }
  const cache = new Map<number, number>();
  const compute = (utcMs: number): number => {
    const parts = fmt.formatToParts(new Date(utcMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const wall = Date.UTC(2000, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const wallMs = new Date(wall).setUTCFullYear(year);
    return wallMs - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  };
  const offsetMs = (utcMs: number): number => {
    // Offsets change on quarter-hour boundaries in every real zone, so cache per 15 minutes.
    const key = Math.floor(utcMs / 900_000);
    let o = cache.get(key);
    if (o === undefined) {
      if (cache.size > 20_000) cache.clear();
      o = compute(key * 900_000);
      cache.set(key, o);
    }
    return o;
  };
  const toUtcMs = (localMs: number): number => {
    const early = offsetMs(localMs - 12 * HOUR_MS);
    const late = offsetMs(localMs + 12 * HOUR_MS);
    if (early === late) return localMs - early;
    const u1 = localMs - early;
    const u2 = localMs - late;
    if (offsetMs(u1) === early) return u1;
    if (offsetMs(u2) === late) return u2;
    return u1;
  };
  return { id, fixed: false, offsetMs, toUtcMs };
}

/** A short display name of the zone at an instant ('PST', 'GMT+8'), for the `z` pattern letter. */
export function zoneShortName(zone: Zone, utcMs: number, long = false): string {
  if (zone.fixed) return zone.offsetMs(0) === 0 ? 'UTC' : zone.id;
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone.id, timeZoneName: long ? 'long' : 'short' });
  return f.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? zone.id;
}

/** A zone suffix after a time of day ('10:00Z', '10:00:00+08:00'); a date's '-05' is not one. */
const TZ_SUFFIX = /\d:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)\s*$/i;

/** A region zone id after a time of day ('2020-01-01 01:33:33.123Asia/Shanghai', '... America/Los_Angeles'). */
const REGION_SUFFIX = /^(.*\d)\s*([A-Za-z][A-Za-z_]*\/[A-Za-z_][A-Za-z0-9_+\-/]*)\s*$/;

/** A string → timestamp read in the session zone unless the text names its own offset or zone (Spark's cast). */
export function parseTimestampIn(s: string, zone: Zone): number | null {
  const region = REGION_SUFFIX.exec(s.trim());
  if (region) {
    let named: Zone;
    try { named = getZone(region[2]!); } catch { return null; }
    return parseTimestampIn(region[1]!, named);
  }
  if (zone.fixed) return parseTimestamp(s, zone.offsetMs(0) / 60_000);
  const utc = parseTimestamp(s, 0);
  if (utc === null || TZ_SUFFIX.test(s.trim())) return utc;
  const ms = Math.floor(utc / 1000);
  return zone.toUtcMs(ms) * 1000 + (utc - ms * 1000);
}

