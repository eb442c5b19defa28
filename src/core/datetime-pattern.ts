import { SpateError } from './errors.js';
import { zoneShortName, type Zone } from './time-zone.js';

/**
 * Spark 3's datetime patterns (java.time DateTimeFormatter letters) for
 * date_format / to_timestamp / unix_timestamp, casts and the CSV/JSON
 * dateFormat/timestampFormat options: y M L d D Q E a h K k H m s S G V z O
 * X x Z, quoted text ('...' and '' for a quote) and optional sections [...].
 * This file tokenizes and formats; datetime-parse.ts parses.
 */

/** One pattern token: literal text, a run of one letter, or an optional-section bracket. */
export type Token = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'field'; readonly letter: string; readonly count: number }
  | { readonly kind: 'optStart' } | { readonly kind: 'optEnd' };

const LETTERS = new Set('GyuMLdDQqEeaFhKkHmsSVzOXxZ'.split(''));
/** Month names, January first. */
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Day names in ISO order, Monday first. */
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Local calendar fields of one instant; `dow` is 1 = Monday ... 7 = Sunday (ISO). */
export interface LocalFields {
  year: number; month: number; day: number; hour: number; minute: number; second: number; micros: number;
  dow: number; doy: number; offsetMs: number;
}

const COMPILED = new Map<string, Token[]>();

/**
 * Splits a pattern into tokens (cached); throws a SpateError naming the
 * pattern on an unknown letter, an unclosed quote or a ']' without '['
 * (java.time rejects those too; an unclosed '[' it closes at the end).
 */
export function compilePattern(pattern: string): Token[] {
  let toks = COMPILED.get(pattern);
  if (toks) return toks;
  toks = [];
  let depth = 0;
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
      if (j >= pattern.length) throw badPattern(pattern, 'has a quote that is never closed; write a literal quote as \'\'');
      toks.push({ kind: 'lit', text });
      i = j + 1;
    } else if (c === '[') { toks.push({ kind: 'optStart' }); depth++; i++; }
    else if (c === ']') {
      if (--depth < 0) throw badPattern(pattern, "has a ']' without a '[' before it");
      toks.push({ kind: 'optEnd' }); i++;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) throw badPattern(pattern, `uses the unknown letter '${c}'`);
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

function badPattern(pattern: string, what: string): SpateError {
  return new SpateError('INVALID_DATETIME_PATTERN',
    `Datetime pattern '${pattern}' ${what}; see Spark's "Datetime Patterns" page (e.g. 'yyyy-MM-dd HH:mm:ss'), and quote literal text like 'T'.`);
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
      // Java 8-17 map 'F' to ALIGNED_DAY_OF_WEEK_IN_MONTH (what Spark prints): the day's place in its 7-day block.
      case 'F': out += pad(((f.day - 1) % 7) + 1, n); break;
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
      // Java's widths: 1 +HH[mm], 2 +HHmm, 3 +HH:mm, 4 +HHmm[ss], 5 +HH:mm[:ss].
      case 'X': out += offsetText(f.offsetMs, n === 3 || n === 5, n >= 4, true, n === 1); break;
      case 'x': out += offsetText(f.offsetMs, n === 3 || n === 5, n >= 4, false, n === 1); break;
      case 'Z': out += n <= 3 ? offsetText(f.offsetMs, false, false, false, false) : n === 4 ? (f.offsetMs === 0 ? 'GMT' : 'GMT' + offsetText(f.offsetMs, true, false, false, false)) : offsetText(f.offsetMs, true, true, true, false); break;
    }
  }
  return out;
}

