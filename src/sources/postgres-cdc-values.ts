import { SpateError } from '../core/errors.js';
import { simpleString, type DataType } from '../core/types.js';
import type { Zone } from '../core/time-zone.js';

/**
 * PostgreSQL's text form of a value (what pgoutput sends with proto_version
 * 1) straight into a column array, without a string for numbers, dates and
 * timestamps. The session sends timestamptz in UTC and dates in ISO form
 * (the client sets TimeZone and DateStyle); a timestamp without time zone is
 * read in the query's session time zone, as a cast of its text would be.
 */

/** Column kinds, as small integers for the decoder's switch. */
export const enum ValueKind { Boolean, Int, Long, Float, Double, String, Binary, Date, Timestamp }

export function valueKind(t: DataType): ValueKind {
  switch (t.kind) {
    case 'boolean': return ValueKind.Boolean;
    case 'int': return ValueKind.Int;
    case 'long': return ValueKind.Long;
    case 'float': return ValueKind.Float;
    case 'double': case 'decimal': return ValueKind.Double;
    case 'binary': return ValueKind.Binary;
    case 'date': return ValueKind.Date;
    case 'timestamp': return ValueKind.Timestamp;
    default: return ValueKind.String;
  }
}

const MICROS_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical years: 1 BC = 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The unsigned decimal number at buf[s..e), or -1 when a byte is not a digit or the range is empty. */
function digits(buf: Uint8Array, s: number, e: number): number {
  if (e <= s) return -1;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** An integer in text form; NaN when it is not one. Exact up to 15 digits, then as Number() rounds. */
export function parseInteger(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  const neg = buf[i] === 45; // '-'
  if (neg || buf[i] === 43) i++;
  if (e - i > 15) return Number(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1'));
  const n = digits(buf, i, e);
  if (n < 0) return NaN;
  return neg ? -n : n;
}

/** `YYYY-MM-DD[ BC]` → days since the epoch; NaN when it is not that form (also for 'infinity'). */
export function parseDateText(buf: Uint8Array, s: number, e: number): number {
  const bc = isBc(buf, s, e);
  return civilDays(buf, s, bc ? e - 3 : e, bc);
}

/** True when the text ends in ' BC'. */
function isBc(buf: Uint8Array, s: number, e: number): boolean {
  return e - s > 3 && buf[e - 3] === 32 && buf[e - 2] === 66 && buf[e - 1] === 67;
}

/** `YYYY-MM-DD` (four or more year digits) at buf[s..e) → days; NaN when it is not that form. */
function civilDays(buf: Uint8Array, s: number, e: number, bc: boolean): number {
  let dash = s;
  while (dash < e && buf[dash] !== 45) dash++;
  if (dash - s < 4 || e - dash !== 6 || buf[dash + 3] !== 45) return NaN;
  const y = digits(buf, s, dash);
  const m = digits(buf, dash + 1, dash + 3);
  const d = digits(buf, dash + 4, dash + 6);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  return daysFromCivil(bc ? 1 - y : y, m, d);
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]` → microseconds since the
 * epoch; without an offset the wall time is in `zone`. NaN when it is not that form.
 */
export function parseTimestampText(buf: Uint8Array, s: number, e: number, zone: Zone): number {
  const bc = isBc(buf, s, e);
  const end = bc ? e - 3 : e;
  let sp = s;
  while (sp < end && buf[sp] !== 32) sp++;
  const days = civilDays(buf, s, sp, bc);
  if (Number.isNaN(days) || end - sp < 9 || buf[sp + 3] !== 58 || buf[sp + 6] !== 58) return NaN;
  const h = digits(buf, sp + 1, sp + 3);
  const mi = digits(buf, sp + 4, sp + 6);
  const sec = digits(buf, sp + 7, sp + 9);
  if (h < 0 || h > 24 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return NaN;
  let i = sp + 9;
  let frac = 0;
  if (buf[i] === 46) { // '.'
    let scale = 100_000;
    i++;
    const f0 = i;
    while (i < end && buf[i]! >= 48 && buf[i]! <= 57) { frac += (buf[i]! - 48) * scale; scale /= 10; i++; }
    if (i === f0 || i - f0 > 6) return NaN;
  }
  let offsetSec: number | undefined;
  if (i < end) {
    const sign = buf[i] === 45 ? -1 : buf[i] === 43 ? 1 : 0;
    if (sign === 0) return NaN;
    const oh = digits(buf, i + 1, i + 3);
    let om = 0;
    let os = 0;
    i += 3;
    if (i < end) { if (buf[i] !== 58) return NaN; om = digits(buf, i + 1, i + 3); i += 3; }
    if (i < end) { if (buf[i] !== 58) return NaN; os = digits(buf, i + 1, i + 3); i += 3; }
    if (i !== end || oh < 0 || om < 0 || os < 0) return NaN;
    offsetSec = sign * (oh * 3600 + om * 60 + os);
  }
  const local = days * MICROS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1_000_000 + frac;
  if (offsetSec !== undefined) return local - offsetSec * 1_000_000;
  if (zone.fixed) return local - zone.offsetMs(0) * 1000;
  const ms = Math.floor(local / 1000);
  return zone.toUtcMs(ms) * 1000 + (local - ms * 1000);
}

/** bytea's hex text form `\x0a1b` → bytes; undefined for another form. */
export function parseByteaText(buf: Uint8Array, s: number, e: number): Uint8Array | undefined {
  if (e - s < 2 || buf[s] !== 92 || buf[s + 1] !== 120 || (e - s) % 2 !== 0) return undefined;
  const hex = Buffer.from(buf.buffer, buf.byteOffset + s + 2, e - s - 2).toString('latin1');
  const out = Buffer.from(hex, 'hex');
  if (out.length * 2 !== hex.length) return undefined;
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The error for a value that does not fit the column's declared type. */
export function valueMismatch(column: string, table: string, t: DataType, buf: Uint8Array, s: number, e: number): SpateError {
  const text = Buffer.from(buf.buffer, buf.byteOffset + s, Math.min(e - s, 80)).toString('utf8');
  return new SpateError('CDC_VALUE_MISMATCH',
    `postgres-cdc: column '${column}' of table ${table} holds ${JSON.stringify(text)}, which is not a valid ${simpleString(t).toUpperCase()}. ` +
    `Declare the column with the matching type in readStream.schema(...) (STRING takes any value), then restart the query; nothing was consumed.`);
}
