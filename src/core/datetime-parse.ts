import { compilePattern, DAYS, MONTHS, type Token } from './datetime-pattern.js';
import { getZone, type Zone } from './time-zone.js';

/**
 * Parsing with Spark 3's datetime patterns (see datetime-pattern.ts).
 * Parsing is case-insensitive like Spark's formatter, must consume the whole
 * input, and returns null on failure (Spark's behaviour with
 * spark.sql.legacy.timeParserPolicy=CORRECTED).
 */

/** What a parse found; unset fields take defaults (1970-01-01 00:00:00). */
interface Parsed {
  year?: number; month?: number; day?: number; doy?: number; hour?: number; hour12?: number; pm?: boolean;
  minute?: number; second?: number; micros?: number; offsetMs?: number; zone?: Zone;
}

function isNumericField(t: Token | undefined): boolean {
  if (!t || t.kind !== 'field') return false;
  return !((t.letter === 'M' || t.letter === 'L' || t.letter === 'Q' || t.letter === 'q') && t.count >= 3) &&
    !'EeaGVzOXxZ'.includes(t.letter);
}

const ZONE_OFFSET_RE = /^(Z|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?)/i;
const GMT_OFFSET_RE = /^(?:GMT|UTC|UT)([+-]\d{1,2}(?::?\d{2})?)?/i;
const ZONE_ID_RE = /^[A-Za-z][A-Za-z0-9_+\-/]*/;

/**
 * Parses `s` with a Spark datetime pattern into an instant in microseconds;
 * local times are read in `zone` unless the text carries an offset or zone.
 * Returns null when the text does not match or names an impossible date.
 */
export function parseWithPattern(s: string, pattern: string, zone: Zone): number | null {
  const p = parseFields(s, pattern);
  if (p === null) return null;
  const localMs = resolveLocalMs(p);
  if (localMs === null) return null;
  const utcMs = p.offsetMs !== undefined ? localMs - p.offsetMs : (p.zone ?? zone).toUtcMs(localMs);
  return utcMs * 1000 + (p.micros ?? 0);
}

/**
 * Parses `s` with a Spark datetime pattern into days since the epoch: the
 * local date as written, ignoring any offset or zone in the text (a date has
 * no zone, as Spark's DateFormatter reads a LocalDate). Null when it does not match.
 */
export function parseDateWithPattern(s: string, pattern: string): number | null {
  const p = parseFields(s, pattern);
  if (p === null) return null;
  const localMs = resolveLocalMs(p);
  return localMs === null ? null : Math.floor(localMs / 86_400_000);
}

function parseFields(s: string, pattern: string): Parsed | null {
  const toks = compilePattern(pattern);
  const p: Parsed = {};
  let pos = 0;
  let optDepth = 0;
  let skipping = false;
  let skipDepth = 0;
  const lower = s.toLowerCase();
  for (let ti = 0; ti < toks.length; ti++) {
    const t = toks[ti]!;
    if (t.kind === 'optStart') { optDepth++; continue; }
    if (t.kind === 'optEnd') { if (skipping && optDepth === skipDepth) skipping = false; optDepth--; continue; }
    if (skipping) continue;
    const save = pos;
    const ok = parseToken(t, toks[ti + 1], s, lower, pos, p);
    if (ok < 0) {
      if (optDepth > 0) { pos = save; skipping = true; skipDepth = optDepth; continue; }
      return null;
    }
    pos = ok;
  }
  return pos === s.length ? p : null;
}

/** Parses one token at `pos`; returns the new position or -1. */
function parseToken(t: Token, next: Token | undefined, s: string, lower: string, pos: number, p: Parsed): number {
  if (t.kind === 'lit') return lower.startsWith(t.text.toLowerCase(), pos) ? pos + t.text.length : -1;
  if (t.kind !== 'field') return pos;
  const n = t.count;
  const num = (min: number, max: number): [number, number] | null => {
    let j = pos;
    if ((t.letter === 'y' || t.letter === 'u') && (s[j] === '-' || s[j] === '+') && n !== 2) j++;
    const start = j;
    while (j < s.length && j - start < max && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j - start < min) return null;
    return [Number(s.slice(pos, j)), j];
  };
  // A numeric field followed directly by another (e.g. 'yyyyMMdd') takes exactly its width.
  const adjacent = isNumericField(next);
  const width = (dflt: number): [number, number] => (n === 1 ? [1, dflt] : [n, n]);
  const text = (names: readonly string[], len: number | undefined): [number, number] | null => {
    for (let i = 0; i < names.length; i++) {
      const name = (len ? names[i]!.slice(0, len) : names[i]!).toLowerCase();
      if (lower.startsWith(name, pos)) return [i, pos + name.length];
    }
    return null;
  };
  let r: [number, number] | null;
  switch (t.letter) {
    case 'y': case 'u':
      r = n === 2 ? num(2, 2) : num(n, adjacent ? n : 9);
      if (r) p.year = n === 2 ? 2000 + r[0] : r[0];
      break;
    case 'M': case 'L':
      r = n >= 4 ? text(MONTHS, undefined) : n === 3 ? text(MONTHS, 3) : num(...width(2));
      if (r) p.month = n >= 3 ? r[0] + 1 : r[0];
      break;
    case 'd': r = num(...width(2)); if (r) p.day = r[0]; break;
    case 'D': r = n === 1 ? num(1, 3) : num(n, 3); if (r) p.doy = r[0]; break;
    case 'H': case 'k': r = num(...width(2)); if (r) p.hour = t.letter === 'k' && r[0] === 24 ? 0 : r[0]; break;
    case 'h': case 'K': r = num(...width(2)); if (r) p.hour12 = r[0] % 12; break;
    case 'm': r = num(...width(2)); if (r) p.minute = r[0]; break;
    case 's': r = num(...width(2)); if (r) p.second = r[0]; break;
    case 'S': {
      // Spark parses a variable-length fraction: 1 up to n digits.
      r = num(1, n);
      if (r) p.micros = Number(s.slice(pos, r[1]).padEnd(6, '0').slice(0, 6));
      break;
    }
    case 'a': r = text(['AM', 'PM'], undefined); if (r) p.pm = r[0] === 1; break;
    case 'E': case 'e': r = n >= 4 ? text(DAYS, undefined) : text(DAYS, 3); break;
    case 'Q': case 'q': r = n >= 3 ? null : num(...width(1)); break;
    case 'G': r = text(['BC', 'AD'], undefined); break;
    case 'F': r = num(1, 1); break;
    case 'X': case 'x': case 'Z': case 'O': case 'V': case 'z': return parseZone(s, pos, p);
    default: r = null;
  }
  return r ? r[1] : -1;
}

function parseZone(s: string, pos: number, p: Parsed): number {
  const rest = s.slice(pos);
  let m = ZONE_OFFSET_RE.exec(rest);
  if (m) {
    p.offsetMs = offsetFromText(m[1]!);
    return pos + m[0].length;
  }
  m = GMT_OFFSET_RE.exec(rest);
  if (m) {
    p.offsetMs = m[1] ? offsetFromText(m[1]) : 0;
    return pos + m[0].length;
  }
  m = ZONE_ID_RE.exec(rest);
  if (m) {
    try { p.zone = getZone(m[0]); } catch { return -1; }
    return pos + m[0].length;
  }
  return -1;
}

function offsetFromText(t: string): number {
  if (t.toUpperCase() === 'Z') return 0;
  const sign = t[0] === '-' ? -1 : 1;
  const digits = t.slice(1).replace(/:/g, '');
  const h = digits.length <= 2 ? Number(digits) : Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  const sec = digits.length > 4 ? Number(digits.slice(4, 6)) : 0;
  return sign * ((h * 60 + m) * 60 + sec) * 1000;
}

/** The local wall-clock time of the parsed fields as a UTC-based ms count, or null for an impossible date. */
function resolveLocalMs(p: Parsed): number | null {
  const year = p.year ?? 1970;
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  if (p.doy !== undefined && p.month === undefined && p.day === undefined) {
    const d = new Date(new Date(0).setUTCFullYear(year, 0, p.doy));
    if (d.getUTCFullYear() !== year) return null;
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) hour = p.hour12 + (p.pm ? 12 : 0);
  else if (p.pm !== undefined && p.hour !== undefined && p.pm !== p.hour >= 12) return null;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const dayMs = new Date(0).setUTCFullYear(year, month - 1, day);
  const check = new Date(dayMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  return dayMs + ((hour * 60 + minute) * 60 + second) * 1000;
}
