import { SpateError } from '../core/errors.js';

/**
 * Offsets of a session time zone (`UTC`, `+02:00`, or an IANA name such as
 * `Europe/Paris`) at a given instant, for reading and writing zone-less
 * timestamp text. Fixed offsets are computed once; named zones go through
 * Intl and are cached per hour, since DST changes happen on hour boundaries.
 */
export interface ZoneOffsets {
  /** Offset in minutes east of UTC at the UTC instant `utcMs`. */
  atUtc(utcMs: number): number;
  /** Offset in minutes for a wall-clock time given as if it were UTC (`localMs`). */
  atLocal(localMs: number): number;
}

const FIXED_RE = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const cache = new Map<string, ZoneOffsets>();

export function zoneOffsets(timeZone: string): ZoneOffsets {
  const hit = cache.get(timeZone);
  if (hit) return hit;
  const z = makeZone(timeZone);
  cache.set(timeZone, z);
  return z;
}

function makeZone(tz: string): ZoneOffsets {
  const t = tz.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT)$/i.test(t)) return { atUtc: () => 0, atLocal: () => 0 };
  const m = FIXED_RE.exec(t);
  if (m) {
    const off = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    return { atUtc: () => off, atLocal: () => off };
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: t, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch (e) {
    throw new SpateError('INVALID_TIME_ZONE',
      `Time zone ${JSON.stringify(tz)} is not known; use a region id such as 'Europe/Paris', 'UTC' or an offset like '+02:00'.`, { cause: e });
  }
  const hourCache = new Map<number, number>();
  const atUtc = (utcMs: number): number => {
    const hour = Math.floor(utcMs / 3_600_000);
    const c = hourCache.get(hour);
    if (c !== undefined) return c;
    const parts = fmt.formatToParts(new Date(hour * 3_600_000));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const off = Math.round((asUtc - hour * 3_600_000) / 60_000);
    if (hourCache.size > 10_000) hourCache.clear();
    hourCache.set(hour, off);
    return off;
  };
  // A wall-clock time maps to utc = local - offset(utc); two rounds settle it
  // except inside a DST gap, where (like java.time) the later offset wins.
  const atLocal = (localMs: number): number => {
    const o1 = atUtc(localMs);
    const o2 = atUtc(localMs - o1 * 60_000);
    return o1 === o2 ? o1 : atUtc(localMs - o2 * 60_000);
  };
  return { atUtc, atLocal };
}
