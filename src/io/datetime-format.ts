import { SpateError } from '../core/errors.js';
import { MICROS_PER_DAY } from '../core/datetime.js';
import { zoneOffsets } from './time-zone.js';

/**
 * Spark datetime patterns (`dateFormat`, `timestampFormat`; the java.time
 * letters Spark documents): y/u year, M/L month (MMM/MMMM names), d day,
 * H/k hour of day, h/K clock hour with `a`, m, s, S fraction, X/x/Z/z/O/V
 * zone, E day name, 'quoted' text and [optional] sections. Patterns compile
 * once per read/write, not per value.
 */
export interface DateTimePattern {
  /** Microseconds since epoch, or null when `s` does not match the whole pattern. */
  parseTimestamp(s: string): number | null;
  /** Days since epoch, or null. */
  parseDate(s: string): number | null;
  formatTimestamp(micros: number): string;
  formatDate(days: number): string;
}

type Tok =
  | { t: 'lit'; s: string }
  | { t: 'field'; c: string; n: number }
  | { t: 'opt'; toks: Tok[] };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LETTERS = 'yuMLdDHhkKmsSaXxZzOVEe';

function tokenize(p: string, optionName: string): Tok[] {
  const stack: Tok[][] = [[]];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  while (i < p.length) {
    const c = p[i]!;
    if (c === "'") {
      const end = p.indexOf("'", i + 1);
      if (end === i + 1) { top().push({ t: 'lit', s: "'" }); i += 2; continue; }
      if (end < 0) throw bad(optionName, p, 'an unclosed quote');
      top().push({ t: 'lit', s: p.slice(i + 1, end).replace(/''/g, "'") });
      i = end + 1;
    } else if (c === '[') {
      stack.push([]);
      i++;
    } else if (c === ']') {
      if (stack.length < 2) throw bad(optionName, p, "a ']' without '['");
      const toks = stack.pop()!;
      top().push({ t: 'opt', toks });
      i++;
    } else if (/[a-zA-Z]/.test(c)) {
      if (!LETTERS.includes(c)) throw bad(optionName, p, `the unknown letter '${c}'`);
      let n = 1;
      while (p[i + n] === c) n++;
      top().push({ t: 'field', c, n });
      i += n;
    } else {
      top().push({ t: 'lit', s: c });
      i++;
    }
  }
  if (stack.length !== 1) throw bad(optionName, p, "a '[' without ']'");
  return stack[0]!;
}

function bad(option: string, p: string, what: string): SpateError {
  return new SpateError('INVALID_OPTION',
    `Option '${option}' has an invalid datetime pattern ${JSON.stringify(p)}: it contains ${what}. See Spark's datetime pattern letters (e.g. 'yyyy-MM-dd HH:mm:ss').`);
}

interface Parsed { y: number; M: number; d: number; H: number; m: number; s: number; us: number; pm: number; off: number | null }

const isDigitAt = (s: string, i: number) => { const c = s.charCodeAt(i); return c >= 48 && c <= 57; };
const NUMERIC = 'yuMLdHhkKmsS';

/** Compiles a Spark datetime pattern. `optionName` is named in errors. */
export function compileDateTimePattern(pattern: string, timeZone: string, optionName = 'timestampFormat'): DateTimePattern {
  const toks = tokenize(pattern, optionName);
  const zone = zoneOffsets(timeZone);

  const parseSeq = (ts: Tok[], s: string, pos: number, r: Parsed): number => {
    for (let k = 0; k < ts.length; k++) {
      const tok = ts[k]!;
      if (pos < 0) return -1;
      if (tok.t === 'lit') {
        if (!s.startsWith(tok.s, pos)) return -1;
        pos += tok.s.length;
      } else if (tok.t === 'opt') {
        const saved = { ...r };
        const p2 = parseSeq(tok.toks, s, pos, r);
        if (p2 < 0) Object.assign(r, saved);
        else pos = p2;
      } else {
        const next = ts[k + 1];
        const adjacent = next !== undefined && next.t === 'field' && NUMERIC.includes(next.c);
        pos = parseField(tok.c, tok.n, s, pos, r, adjacent);
      }
    }
    return pos;
  };

  const parseParts = (s: string): Parsed | null => {
    const r: Parsed = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, us: 0, pm: -1, off: null };
    const end = parseSeq(toks, s, 0, r);
    if (end !== s.length) return null;
    if (r.pm >= 0) r.H = (r.H % 12) + (r.pm ? 12 : 0);
    if (r.M < 1 || r.M > 12 || r.d < 1 || r.d > 31 || r.H > 23 || r.m > 59 || r.s > 59) return null;
    const ms = Date.UTC(r.y, r.M - 1, r.d);
    const check = new Date(ms);
    if (check.getUTCDate() !== r.d) return null;
    return r;
  };

  const localMs = (r: Parsed) => {
    let ms = Date.UTC(r.y, r.M - 1, r.d, r.H, r.m, r.s);
    if (r.y >= 0 && r.y < 100) ms = new Date(ms).setUTCFullYear(r.y);
    return ms;
  };

  return {
    parseTimestamp(s) {
      const r = parseParts(s);
      if (r === null) return null;
      const lm = localMs(r);
      const off = r.off ?? zone.atLocal(lm);
      return (lm - off * 60_000) * 1000 + r.us;
    },
    parseDate(s) {
      const r = parseParts(s);
      if (r === null) return null;
      return Math.floor(localMs(r) / 86_400_000);
    },
    formatTimestamp(micros) {
      const utcMs = Math.floor(micros / 1000);
      const off = zone.atUtc(utcMs);
      return formatSeq(toks, utcMs + off * 60_000, off, timeZone, micros);
    },
    formatDate(days) {
      return formatSeq(toks, days * 86_400_000, 0, timeZone, days * MICROS_PER_DAY);
    },
  };
}

function parseField(c: string, n: number, s: string, pos: number, r: Parsed, adjacent: boolean): number {
  const num = (min: number, max: number): number => {
    let e = pos;
    const neg = (c === 'y' || c === 'u') && n >= 4 && (s[e] === '-' || s[e] === '+');
    if (neg) e++;
    const start = e;
    while (e < s.length && e - start < max && isDigitAt(s, e)) e++;
    if (e - start < min) return NaN;
    const v = Number(s.slice(start, e));
    pos = e;
    return neg && s[start - 1] === '-' ? -v : v;
  };
  switch (c) {
    case 'y': case 'u': {
      const v = n === 2 ? num(2, 2) : num(n === 1 ? 1 : n, adjacent ? n : 9);
      if (Number.isNaN(v)) return -1;
      r.y = n === 2 ? 2000 + v : v;
      return pos;
    }
    case 'M': case 'L': {
      if (n >= 3) {
        for (let i = 0; i < 12; i++) {
          const name = n === 3 ? MONTHS[i]!.slice(0, 3) : MONTHS[i]!;
          if (s.slice(pos, pos + name.length).toLowerCase() === name.toLowerCase()) { r.M = i + 1; return pos + name.length; }
        }
        return -1;
      }
      const v = num(n, adjacent ? n : 2);
      if (Number.isNaN(v)) return -1;
      r.M = v;
      return pos;
    }
    case 'd': case 'H': case 'k': case 'h': case 'K': case 'm': case 's': {
      const v = num(n, adjacent ? n : 2);
      if (Number.isNaN(v)) return -1;
      if (c === 'd') r.d = v;
      else if (c === 'm') r.m = v;
      else if (c === 's') r.s = v;
      else r.H = c === 'k' && v === 24 ? 0 : v;
      return pos;
    }
    case 'D': {
      const v = num(n, 3);
      if (Number.isNaN(v)) return -1;
      // Day of year: fold into month and day now, since validation expects d <= 31.
      const ms = Date.UTC(r.y, 0, v);
      const dt = new Date(ms);
      r.M = dt.getUTCMonth() + 1; r.d = dt.getUTCDate();
      return pos;
    }
    case 'S': {
      let e = pos;
      while (e < s.length && e - pos < Math.max(n, 9) && isDigitAt(s, e)) e++;
      if (e === pos || (adjacent && e - pos !== n)) return -1;
      r.us = Number((s.slice(pos, e) + '000000').slice(0, 6));
      return e;
    }
    case 'a': {
      const t = s.slice(pos, pos + 2).toUpperCase();
      if (t !== 'AM' && t !== 'PM') return -1;
      r.pm = t === 'PM' ? 1 : 0;
      return pos + 2;
    }
    case 'E': case 'e': {
      for (const name of DAYS) {
        for (const cand of [name, name.slice(0, 3)]) {
          if (s.slice(pos, pos + cand.length).toLowerCase() === cand.toLowerCase()) return pos + cand.length;
        }
      }
      return -1;
    }
    default: return parseZone(s, pos, r);
  }
}

const ZONE_RE = /^(Z|UTC|GMT|([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?)/i;

function parseZone(s: string, pos: number, r: Parsed): number {
  const m = ZONE_RE.exec(s.slice(pos));
  if (!m) {
    // A region id (VV / z): accept anything zoneOffsets understands.
    const id = /^[A-Za-z_]+\/[A-Za-z_]+/.exec(s.slice(pos));
    if (!id) return -1;
    try {
      const z = zoneOffsets(id[0]);
      r.off = z.atLocal(Date.UTC(r.y, r.M - 1, r.d, r.H, r.m, r.s));
      return pos + id[0].length;
    } catch { return -1; }
  }
  if (m[2] === undefined) r.off = 0;
  else {
    r.off = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4] ?? 0));
  }
  return pos + m[0].length;
}

const pad = (n: number, w: number) => {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
};

function formatSeq(ts: Tok[], localMs: number, off: number, tz: string, micros: number): string {
  const d = new Date(localMs);
  const us = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  let out = '';
  for (const tok of ts) {
    if (tok.t === 'lit') { out += tok.s; continue; }
    if (tok.t === 'opt') { out += formatSeq(tok.toks, localMs, off, tz, micros); continue; }
    const n = tok.n;
    switch (tok.c) {
      case 'y': case 'u': {
        const y = d.getUTCFullYear();
        out += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n);
        break;
      }
      case 'M': case 'L': {
        const mo = d.getUTCMonth();
        out += n === 3 ? MONTHS[mo]!.slice(0, 3) : n >= 4 ? MONTHS[mo]! : pad(mo + 1, n);
        break;
      }
      case 'd': out += pad(d.getUTCDate(), n); break;
      case 'D': out += pad(Math.floor((localMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, n); break;
      case 'H': out += pad(d.getUTCHours(), n); break;
      case 'k': out += pad(d.getUTCHours() || 24, n); break;
      case 'h': out += pad(d.getUTCHours() % 12 || 12, n); break;
      case 'K': out += pad(d.getUTCHours() % 12, n); break;
      case 'm': out += pad(d.getUTCMinutes(), n); break;
      case 's': out += pad(d.getUTCSeconds(), n); break;
      case 'S': out += pad(us, 6).slice(0, Math.min(n, 6)) + '0'.repeat(Math.max(0, n - 6)); break;
      case 'a': out += d.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'E': case 'e': out += n >= 4 ? DAYS[d.getUTCDay()]! : DAYS[d.getUTCDay()]!.slice(0, 3); break;
      case 'V': case 'z': out += tz; break;
      default: out += formatOffset(tok.c, n, off);
    }
  }
  return out;
}

/** X → Z or +01, XX → +0100, XXX → +01:00; x the same without Z; Z → +0100; O → GMT+1. */
function formatOffset(c: string, n: number, off: number): string {
  if (off === 0 && (c === 'X')) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const hh = pad(Math.floor(a / 60), 2);
  const mm = pad(a % 60, 2);
  if (c === 'O') return off === 0 ? 'GMT' : `GMT${sign}${Math.floor(a / 60)}${a % 60 ? ':' + mm : ''}`;
  if (c === 'Z') return n >= 4 ? (off === 0 ? 'GMT' : `GMT${sign}${hh}:${mm}`) : `${sign}${hh}${mm}`;
  if (n === 1) return `${sign}${hh}${a % 60 ? mm : ''}`;
  if (n === 2 || n === 4) return `${sign}${hh}${mm}`;
  return `${sign}${hh}:${mm}`;
}
