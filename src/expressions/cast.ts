import type { DataType } from '../core/types.js';
import { simpleString } from '../core/types.js';
import { formatDouble, formatFloat } from '../core/format/numbers.js';

export { formatDouble, formatFloat };
import { formatDate, formatTimestamp, parseDate, MICROS_PER_DAY, MICROS_PER_SECOND } from '../core/datetime.js';
import { getZone, parseTimestampIn, type Zone } from '../core/time-zone.js';

/**
 * Spark's cast rules (non-ANSI): a value that does not convert becomes null
 * (e.g. 'abc' cast to int), never an error. Returns the converter for
 * non-null internal values, or undefined when Spark does not allow the cast.
 * `timeZone` (spark.sql.session.timeZone) is where strings and dates meet
 * timestamps: '2024-01-01 10:00' is read, and timestamps are printed and
 * cut to dates, in that zone.
 */
export function castFunction(from: DataType, to: DataType, timeZone = 'UTC'): ((v: any) => unknown) | undefined {
  if (from.kind === to.kind && from.kind !== 'decimal' && from.kind !== 'array' && from.kind !== 'map' && from.kind !== 'struct') return (v) => v;
  if (from.kind === 'null') return () => null;
  const zone = (): Zone => getZone(timeZone);
  switch (to.kind) {
    case 'string': return toStringFn(from, timeZone);
    case 'boolean':
      if (from.kind === 'string') return (s: string) => { const t = s.trim().toLowerCase(); return TRUE_STR.has(t) ? true : FALSE_STR.has(t) ? false : null; };
      if (isNum(from)) return (n: number) => n !== 0;
      if (from.kind === 'timestamp') return (n: number) => n !== 0;
      if (from.kind === 'date') return () => null; // allowed by Spark with ANSI off, always null
      return undefined;
    case 'int': return toIntegral(from, 32);
    case 'long': return toIntegral(from, 64);
    case 'float': case 'double': case 'decimal': {
      const round = to.kind === 'float' ? Math.fround : to.kind === 'decimal' ? decimalRounder(to.scale, to.precision) : (x: number) => x;
      if (isNum(from)) return (n: number) => round(n);
      if (from.kind === 'boolean') return (b: boolean) => (b ? 1 : 0);
      if (from.kind === 'string') return (s: string) => { const n = parseNumber(s); return n === null ? null : round(n); };
      if (from.kind === 'timestamp') return (t: number) => round(t / MICROS_PER_SECOND);
      if (from.kind === 'date') return () => null;
      return undefined;
    }
    case 'date':
      if (from.kind === 'string') return (s: string) => parseDate(s);
      if (from.kind === 'timestamp') {
        const z = zone();
        return (t: number) => Math.floor((t + z.offsetMs(Math.floor(t / 1000)) * 1000) / MICROS_PER_DAY);
      }
      return undefined;
    case 'timestamp':
      if (from.kind === 'string') { const z = zone(); return (s: string) => parseTimestampIn(s, z); }
      if (from.kind === 'date') { const z = zone(); return (d: number) => z.toUtcMs(d * 86_400_000) * 1000; }
      // Fractional seconds keep microseconds; NaN and infinities have no instant.
      if (isNum(from)) return (n: number) => (Number.isFinite(n) ? Math.trunc(n * MICROS_PER_SECOND) : null);
      if (from.kind === 'boolean') return (b: boolean) => (b ? 1 : 0);
      return undefined;
    case 'binary':
      if (from.kind === 'string') return (s: string) => new TextEncoder().encode(s);
      // Integers become their big-endian two's-complement bytes (4 for int, 8 for bigint), as in Spark.
      if (from.kind === 'int') return (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, n); return b; };
      if (from.kind === 'long') return (n: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigInt64(0, BigInt(n)); return b; };
      return undefined;
    case 'array': {
      if (from.kind !== 'array') return undefined;
      const el = castFunction(from.elementType, to.elementType, timeZone);
      return el && ((a: unknown[]) => a.map((x) => (x === null ? null : el(x))));
    }
    case 'map': {
      if (from.kind !== 'map') return undefined;
      const k = castFunction(from.keyType, to.keyType, timeZone);
      const v = castFunction(from.valueType, to.valueType, timeZone);
      if (!k || !v) return undefined;
      return (m: Map<unknown, unknown>) => new Map([...m].map(([a, b]) => [k(a), b === null ? null : v(b)]));
    }
    case 'struct': {
      if (from.kind !== 'struct' || from.fields.length !== to.fields.length) return undefined;
      const fs = from.fields.map((f, i) => castFunction(f.dataType, to.fields[i]!.dataType, timeZone));
      if (fs.some((f) => !f)) return undefined;
      return (s: unknown[]) => s.map((x, i) => (x === null ? null : fs[i]!(x)));
    }
    case 'null': return undefined;
  }
}

const TRUE_STR = new Set(['t', 'true', 'y', 'yes', '1']);
const FALSE_STR = new Set(['f', 'false', 'n', 'no', '0']);

function isNum(t: DataType): boolean {
  return t.kind === 'int' || t.kind === 'long' || t.kind === 'float' || t.kind === 'double' || t.kind === 'decimal';
}

const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

/** Spark's string → number: trims, accepts Infinity/NaN spellings, else null. */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (NUM_RE.test(t)) return Number(t.replace(/[dDfF]$/, ''));
  const l = t.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === 'infinity' || l === '+infinity' || l === 'inf' || l === '+inf') return Infinity;
  if (l === '-infinity' || l === '-inf') return -Infinity;
  return null;
}

function toIntegral(from: DataType, bits: 32 | 64): ((v: any) => unknown) | undefined {
  const wrap = bits === 32 ? (n: number) => n | 0 : (n: number) => n;
  const fromFrac = bits === 32
    ? (n: number) => (n !== n ? 0 : n >= 2147483647 ? 2147483647 : n <= -2147483648 ? -2147483648 : Math.trunc(n))
    : (n: number) => (n !== n ? 0 : n >= 9223372036854775807 ? 9223372036854775807 : n <= -9223372036854775808 ? -9223372036854775808 : Math.trunc(n));
  switch (from.kind) {
    case 'int': case 'long': return wrap;
    case 'float': case 'double': case 'decimal': return fromFrac;
    case 'boolean': return (b: boolean) => (b ? 1 : 0);
    case 'string':
      return (s: string) => {
        const t = s.trim();
        if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
        const n = Math.trunc(Number(t));
        if (bits === 32 && (n > 2147483647 || n < -2147483648)) return null;
        if (bits === 64 && Math.abs(n) >= 9.2e18) {
          // Near 2^63 doubles cannot tell 9223372036854775807 from ...808: decide on the exact digits.
          const whole = BigInt(t.replace(/\..*$/, '').replace(/^([+-]?)$/, '$10'));
          if (whole > 9223372036854775807n || whole < -9223372036854775808n) return null;
        }
        return n === 0 ? 0 : n;
      };
    case 'timestamp': return (t: number) => wrap(Math.floor(t / MICROS_PER_SECOND));
    case 'date': return () => null; // allowed by Spark with ANSI off, always null
    default: return undefined;
  }
}

function decimalRounder(scale: number, precision: number): (x: number) => number | null {
  const f = 10 ** scale;
  const limit = 10 ** (precision - scale);
  return (x: number) => {
    const r = Math.round(Math.abs(x) * f) / f * Math.sign(x);
    return Math.abs(r) >= limit || r !== r ? null : r;
  };
}

// One decoder for every binary-to-string cast (making one per value costs more than the decoding).
const UTF8 = new TextDecoder();

/** How Spark renders a value of type `from` as a string (cast to string, show(), concat); timestamps print in `timeZone`. */
export function toStringFn(from: DataType, timeZone = 'UTC'): (v: any) => string {
  switch (from.kind) {
    case 'string': return (s: string) => s;
    case 'boolean': return (b: boolean) => (b ? 'true' : 'false');
    case 'int': case 'long': return (n: number) => String(n);
    case 'float': return formatFloat;
    case 'double': return formatDouble;
    case 'decimal': { const s = from.scale; return (n: number) => n.toFixed(s); }
    case 'date': return formatDate;
    case 'timestamp': {
      const z = getZone(timeZone);
      if (z.fixed) { const off = z.offsetMs(0) / 60_000; return (t: number) => formatTimestamp(t, off); }
      return (t: number) => formatTimestamp(t, z.offsetMs(Math.floor(t / 1000)) / 60_000);
    }
    case 'binary': return (b: Uint8Array) => UTF8.decode(b);
    case 'array': {
      const el = toStringFn(from.elementType, timeZone);
      return (a: unknown[]) => `[${a.map((x) => (x === null ? 'null' : el(x))).join(', ')}]`;
    }
    case 'map': {
      const k = toStringFn(from.keyType, timeZone);
      const v = toStringFn(from.valueType, timeZone);
      return (m: Map<unknown, unknown>) => `{${[...m].map(([a, b]) => `${k(a)} -> ${b === null ? 'null' : v(b)}`).join(', ')}}`;
    }
    case 'struct': {
      const fs = from.fields.map((f) => toStringFn(f.dataType, timeZone));
      return (s: unknown[]) => `{${s.map((x, i) => (x === null ? 'null' : fs[i]!(x))).join(', ')}}`;
    }
    case 'null': return () => 'null';
  }
}

export function castDisplay(child: string, to: DataType): string {
  return `CAST(${child} AS ${simpleString(to).toUpperCase()})`;
}
