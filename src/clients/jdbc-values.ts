/**
 * Values between the database clients and spate's columns, both ways.
 *
 * Reading: rows (arrays of the client's values: numbers, text, BigInt,
 * Buffer, arrays) go column by column into typed builders, one loop per
 * column. Timestamps arrive as text and keep their microseconds; a text
 * without an offset (PostgreSQL `timestamp`, MariaDB DATETIME/TIMESTAMP in
 * the +00:00 session) is UTC wall-clock time. Longs beyond 2^53 and
 * decimals are rounded to the nearest double (spate stores both as
 * doubles). PostgreSQL's `infinity` timestamps and MariaDB's zero dates
 * read as null.
 *
 * Writing: each column is encoded once per batch into the parameter form
 * its client takes (dates and timestamps as text, binary as Buffer).
 */
import { allocValues, isTypedStorage, type PrimitiveArray, type Vector } from '../core/vector.js';
import { formatDate } from '../core/datetime.js';
import type { DataType } from '../core/types.js';
import type { JdbcDialectName } from './jdbc-url.js';

const MICROS_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (exact for any year). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const TS_RE = /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;
const TIME_RE = /^(\d{2,3}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([+-])(\d{2})(?::?(\d{2}))?)?$/;

function fraction(f: string | undefined): number {
  if (f === undefined) return 0;
  return Number(f.length >= 6 ? f.slice(0, 6) : f + '000000'.slice(f.length));
}

/** A database timestamp text → microseconds since the epoch (UTC unless the text has an offset); null when it is not one. */
export function parseDbTimestamp(s: string): number | null {
  const m = TS_RE.exec(s);
  if (m !== null) {
    let y = Number(m[1]);
    if (m[13] !== undefined) y = 1 - y;
    const mo = Number(m[2]);
    const d = Number(m[3]);
    if (mo === 0 || d === 0) return null; // MariaDB's zero date
    const days = daysFromCivil(y, mo, d);
    let secs = m[4] === undefined ? 0 : Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
    if (m[9] !== undefined) secs -= (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11] ?? 0) * 60 + Number(m[12] ?? 0));
    return days * MICROS_PER_DAY + secs * 1_000_000 + fraction(m[7]);
  }
  const t = TIME_RE.exec(s);
  if (t !== null) {
    let secs = Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3]);
    if (t[5] !== undefined) secs -= (t[5] === '-' ? -1 : 1) * (Number(t[6]) * 3600 + Number(t[7] ?? 0) * 60);
    return secs * 1_000_000 + fraction(t[4]);
  }
  return null;
}

/** A database date text → days since the epoch; null for zero dates, infinity or text that is not a date. */
export function parseDbDate(s: string): number | null {
  const m = /^(\d{4,})-(\d{2})-(\d{2})( BC)?/.exec(s);
  if (m === null) return null;
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo === 0 || d === 0) return null;
  return daysFromCivil(m[4] !== undefined ? 1 - Number(m[1]) : Number(m[1]), mo, d);
}

function toNumber(v: unknown): number {
  switch (typeof v) {
    case 'number': return v;
    case 'bigint': return Number(v);
    case 'string': return v.trim() === '' ? NaN : Number(v);
    case 'boolean': return v ? 1 : 0;
    default:
      if (v instanceof Uint8Array) { // BIT(n): big-endian bits
        let n = 0;
        for (let i = 0; i < v.length; i++) n = n * 256 + v[i]!;
        return n;
      }
      if (v instanceof Date) return v.getTime();
      return NaN;
  }
}

function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0;
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 't' || l === 'true' || l === '1' || l === 'y' || l === 'yes') return true;
    if (l === 'f' || l === 'false' || l === '0' || l === 'n' || l === 'no') return false;
    return null;
  }
  if (v instanceof Uint8Array) return v.some((b) => b !== 0);
  return null;
}

function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function toTimestamp(v: unknown): number | null {
  if (typeof v === 'string') return parseDbTimestamp(v.trim());
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime() * 1000;
  return null;
}

function toDate(v: unknown): number | null {
  if (typeof v === 'string') return parseDbDate(v.trim());
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : Math.floor(v.getTime() / 86_400_000);
  return null;
}

/** A client value → spate's internal value for `t` (null when it does not convert). */
export function toInternalValue(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'boolean': return toBool(v);
    case 'int': { const n = toNumber(v); return Number.isFinite(n) ? Math.trunc(n) | 0 : null; }
    case 'long': { const n = toNumber(v); return Number.isFinite(n) ? Math.trunc(n) : null; }
    case 'float': { const n = toNumber(v); return Number.isNaN(n) && typeof v !== 'number' && v !== 'NaN' ? null : Math.fround(n); }
    case 'double': case 'decimal': { const n = toNumber(v); return Number.isNaN(n) && typeof v !== 'number' && v !== 'NaN' ? null : n; }
    case 'string': return toText(v);
    case 'binary': return v instanceof Uint8Array ? new Uint8Array(v) : new TextEncoder().encode(toText(v));
    case 'date': return toDate(v);
    case 'timestamp': return toTimestamp(v);
    case 'array': {
      if (!Array.isArray(v)) return null;
      const el = t.elementType;
      return v.map((x) => toInternalValue(el, x));
    }
    default: return null;
  }
}

/** One column being filled from rows. */
export interface ColumnBuilder {
  /** Appends rows[i][col] for every row of a chunk. */
  appendColumn(rows: readonly (readonly unknown[])[], col: number): void;
  finish(): Vector;
}

/** A builder for `t` (typed storage grows by doubling; nulls in a byte mask made on the first null). */
export function columnBuilder(t: DataType): ColumnBuilder {
  let cap = 1024;
  let n = 0;
  let values = allocValues(t, cap);
  let validity: Uint8Array | null = null;
  const typed = isTypedStorage(t);
  const grow = (need: number): void => {
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const nv = allocValues(t, cap);
    if (typed) (nv as PrimitiveArray).set(values as PrimitiveArray);
    else for (let i = 0; i < n; i++) (nv as unknown[])[i] = (values as unknown[])[i];
    values = nv;
    if (validity !== null) { const nm = new Uint8Array(cap).fill(1); nm.set(validity.subarray(0, n)); validity = nm; }
  };
  const setNull = (i: number): void => {
    if (validity === null) validity = new Uint8Array(cap).fill(1);
    validity[i] = 0;
  };
  return {
    appendColumn(rows, col): void {
      grow(n + rows.length);
      const out = values;
      for (let r = 0; r < rows.length; r++) {
        const raw = rows[r]![col];
        const i = n + r;
        if (raw === null || raw === undefined) { setNull(i); continue; }
        let v: unknown;
        // The common cases skip the generic conversion.
        if (typed && typeof raw === 'number' && t.kind !== 'boolean' && t.kind !== 'date' && t.kind !== 'timestamp') v = t.kind === 'int' ? raw | 0 : raw;
        else if (!typed && typeof raw === 'string' && t.kind === 'string') v = raw;
        else v = toInternalValue(t, raw);
        if (v === null) { setNull(i); continue; }
        if (typed) (out as PrimitiveArray)[i] = t.kind === 'boolean' ? (v ? 1 : 0) : (v as number);
        else (out as unknown[])[i] = v;
      }
      n += rows.length;
    },
    finish(): Vector {
      const vals = typed ? (values as PrimitiveArray).slice(0, n) : (values as unknown[]).slice(0, n);
      return { type: t, length: n, values: vals, validity: validity === null ? null : validity.slice(0, n) };
    },
  };
}

const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
let lastDay = NaN;
let lastDayText = '';

/** A timestamp parameter: UTC wall-clock text with microseconds ('2024-01-05 10:00:00.123456'); the date part is cached, consecutive rows share days. */
export function timestampParam(micros: number): string {
  const day = Math.floor(micros / MICROS_PER_DAY);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = `${formatDate(day)} `;
  }
  const rem = micros - day * MICROS_PER_DAY;
  const secs = Math.floor(rem / 1_000_000);
  const frac = Math.round(rem - secs * 1_000_000);
  const h = (secs / 3600) | 0;
  const m = ((secs - h * 3600) / 60) | 0;
  const text = `${lastDayText}${TWO[h]}:${TWO[m]}:${TWO[secs - h * 3600 - m * 60]}`;
  return frac === 0 ? text : `${text}.${String(frac + 1_000_000).slice(1)}`;
}

/** A date parameter: 'YYYY-MM-DD'. */
export function dateParam(days: number): string {
  return formatDate(days);
}

function encodeScalar(t: DataType, v: unknown, dialect: JdbcDialectName): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'date': return dateParam(v as number);
    case 'timestamp': return timestampParam(v as number);
    case 'binary': { const u = v as Uint8Array; return Buffer.from(u.buffer, u.byteOffset, u.byteLength); }
    case 'boolean': return v === true || v === 1;
    case 'array': {
      const el = t.elementType;
      return (v as unknown[]).map((x) => encodeScalar(el, x, dialect));
    }
    default: return v;
  }
}

/**
 * The column's values as its client's parameters, one loop per column:
 * numbers and strings as they are, booleans as true/false, dates and
 * timestamps as text, binary as Buffer, PostgreSQL arrays as arrays.
 */
export function encodeColumn(v: Vector, dialect: JdbcDialectName): unknown[] {
  const n = v.length;
  const out = new Array<unknown>(n);
  const valid = v.validity;
  const vals = v.values;
  const k = v.type.kind;
  if (k === 'int' || k === 'long' || k === 'double' || k === 'decimal' || k === 'float' || k === 'string') {
    for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? null : vals[i];
    return out;
  }
  if (k === 'boolean') {
    for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? null : vals[i] === 1 || vals[i] === true;
    return out;
  }
  if (k === 'timestamp') {
    for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? null : timestampParam(vals[i] as number);
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? null : encodeScalar(v.type, vals[i], dialect);
  return out;
}
