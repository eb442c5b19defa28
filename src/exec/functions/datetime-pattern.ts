import { SpateError } from '../../core/errors.js';
import { getZone, zoneShortName, type Zone } from './time-zone.js';

/**
 * Spark 3's datetime patterns (java.time DateTimeFormatter letters) for
 * date_format / to_timestamp / unix_timestamp: y M L d D Q E a h K k H m s S
 * G V z O X x Z, quoted text ('...' and '' for a quote) and optional
 * sections [...]. Parsing is case-insensitive like Spark's formatter, must
 * consume the whole input, and returns null on failure (Spark's behaviour
 * with spark.sql.legacy.timeParserPolicy=CORRECTED).
 */

type Token = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'optStart' } | { readonly kind: 'optEnd' };

const LETTERS = new Set('GyuMLdDQqEeaFhKkHmsSVzOXxZ'.split(''));
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Local calendar fields of one instant; `dow` is 1 = Monday ... 7 = Sunday (ISO). */
export interface LocalFields {
  year: number; month: number; day: number; hour: number; minute: number; second: number; micros: number;
  dow: number; doy: number; offsetMs: number;
}

const COMPILED = new Map<string, Token[]>();

/** Splits a pattern into tokens (cached); throws a SpateError naming the pattern on an unknown letter. */
export function compilePattern(pattern: string): Token[] {
  let toks = COMPILED.get(pattern);
  if (toks) return toks;
  toks = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") { toks.push({ kind: 'lit', text: "'" }); i += 2; continue; }
      let j = i + 1;
      let text = '';
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") { text += "'"; j += 2; continue; }
          break;
        }
        text += pattern[j++];
      }
      toks.push({ kind: 'lit', text });
      i = j + 1;
    } else if (c === '[') { toks.push({ kind: 'optStart' }); i++; }
    else if (c === ']') { toks.push({ kind: 'optEnd' }); i++; }
    else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) {
        throw new SpateError('INVALID_DATETIME_PATTERN',
          `Datetime pattern '${pattern}' uses the unknown letter '${c}'; see Spark's "Datetime Patterns" page (e.g. 'yyyy-MM-dd HH:mm:ss'), and quote literal text like 'T'.`);
      }
      let j = i;
      while (pattern[j] === c) j++;
      toks.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else { toks.push({ kind: 'lit', text: c }); i++; }
  }
  if (COMPILED.size > 500) COMPILED.clear();
  COMPILED.set(pattern, toks);
  return toks;
}

const pad = (n: number, w: number) => (n < 0 ? '-' + String(-n).padStart(w, '0') : String(n).padStart(w, '0'));

function offsetText(off: number, withColon: boolean, withSeconds: boolean, zForZero: boolean, minutesOptional: boolean): string {
  if (off === 0 && zForZero) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(Math.round(off / 1000));
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  if (minutesOptional && m === 0 && s === 0) return sign + pad(h, 2);
  return sign + pad(h, 2) + (withColon ? ':' : '') + pad(m, 2) + (withSeconds && s ? (withColon ? ':' : '') + pad(s, 2) : '');
}

/** Local fields of `micros` (since epoch, UTC) in `zone`. */
export function localFields(micros: number, zone: Zone): LocalFields {
  const ms = Math.floor(micros / 1000);
  const offsetMs = zone.offsetMs(ms);
  const local = micros + offsetMs * 1000;
  const days = Math.floor(local / 86_400_000_000);
  const inDay = local - days * 86_400_000_000;
  const d = new Date(days * 86_400_000);
  const year = d.getUTCFullYear();
  const jan1 = new Date(0).setUTCFullYear(year, 0, 1);
  const secs = Math.floor(inDay / 1_000_000);
  return {
    year, month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: Math.floor(secs / 3600), minute: Math.floor((secs % 3600) / 60), second: secs % 60, micros: inDay % 1_000_000,
    dow: ((d.getUTCDay() + 6) % 7) + 1, doy: Math.round((days * 86_400_000 - jan1) / 86_400_000) + 1, offsetMs,
  };
}

/** Formats `micros` in `zone` with a Spark datetime pattern. */
export function formatMicros(micros: number, pattern: string, zone: Zone): string {
  const f = localFields(micros, zone);
  let out = '';
  for (const t of compilePattern(pattern)) {
    if (t.kind === 'lit') { out += t.text; continue; }
    if (t.kind !== 'field') continue;
    const n = t.count;
    switch (t.letter) {
      case 'G': out += f.year > 0 ? 'AD' : 'BC'; break;
      case 'y': case 'u': {
        const y = t.letter === 'y' && f.year <= 0 ? 1 - f.year : f.year;
        out += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n); break;
      }
      case 'M': case 'L': out += n >= 4 ? MONTHS[f.month - 1]! : n === 3 ? MONTHS[f.month - 1]!.slice(0, 3) : pad(f.month, n); break;
      case 'd': out += pad(f.day, n); break;
      case 'D': out += pad(f.doy, n); break;
      case 'Q': case 'q': {
        const q = Math.ceil(f.month / 3);
        out += n === 3 ? `Q${q}` : n >= 4 ? `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter` : pad(q, n); break;
      }
      case 'E': case 'e': out += n >= 4 ? DAYS[f.dow - 1]! : DAYS[f.dow - 1]!.slice(0, 3); break;
      case 'F': out += pad(Math.floor((f.day - 1) / 7) + 1, n); break;
      case 'a': out += f.hour < 12 ? 'AM' : 'PM'; break;
      case 'h': out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n); break;
      case 'K': out += pad(f.hour % 12, n); break;
      case 'k': out += pad(f.hour === 0 ? 24 : f.hour, n); break;
      case 'H': out += pad(f.hour, n); break;
      case 'm': out += pad(f.minute, n); break;
      case 's': out += pad(f.second, n); break;
      case 'S': out += pad(f.micros, 6).padEnd(9, '0').slice(0, n).padEnd(n, '0'); break;
      case 'V': out += zone.id; break;
      case 'z': out += zoneShortName(zone, Math.floor(micros / 1000), n >= 4); break;
      case 'O': out += f.offsetMs === 0 ? 'GMT' : 'GMT' + (n >= 4 ? offsetText(f.offsetMs, true, true, false, false) : offsetText(f.offsetMs, true, false, false, true).replace(/^([+-])0(\d)$/, '$1$2')); break;
      case 'X': out += offsetText(f.offsetMs, n >= 3, n >= 4, true, n === 1); break;
      case 'x': out += offsetText(f.offsetMs, n >= 3, n >= 4, false, n === 1); break;
      case 'Z': out += n <= 3 ? offsetText(f.offsetMs, false, false, false, false) : n === 4 ? (f.offsetMs === 0 ? 'GMT' : 'GMT' + offsetText(f.offsetMs, true, false, false, false)) : offsetText(f.offsetMs, true, true, true, false); break;
    }
  }
  return out;
}

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
  if (pos !== s.length) return null;
  return resolveParsed(p, zone);
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

function resolveParsed(p: Parsed, zone: Zone): number | null {
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
  const localMs = dayMs + ((hour * 60 + minute) * 60 + second) * 1000;
  const utcMs = p.offsetMs !== undefined ? localMs - p.offsetMs : (p.zone ?? zone).toUtcMs(localMs);
  return utcMs * 1000 + (p.micros ?? 0);
}
