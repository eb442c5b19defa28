import type { DataType } from '../core/types.js';
import { SpateError } from '../core/errors.js';
import { parseDate as lenientDate, formatDate } from '../core/datetime.js';
import { formatDouble } from '../core/format/numbers.js';
import { compileDateTimePattern, type DateTimePattern } from '../core/datetime-formatter.js';
import { getZone, parseTimestampIn } from '../core/time-zone.js';

/** Settings that decide how text fields become typed values (csv options, partition values). */
export interface TextValueOptions {
  readonly timeZone: string;
  /** A Spark pattern, or undefined for Spark's lenient default (the cast rules). */
  readonly dateFormat?: string | undefined;
  readonly timestampFormat?: string | undefined;
  readonly nanValue?: string;
  readonly positiveInf?: string;
  readonly negativeInf?: string;
}

/** Marks a field that does not parse as its type (the row is then malformed). */
export const BAD = Symbol('bad field');

const INT_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

/** Java's Double.parseDouble as Spark's csv reader uses it, plus the nanValue / inf options. */
export function parseJavaDouble(s: string, o?: TextValueOptions): number | undefined {
  const t = s.trim();
  if (DOUBLE_RE.test(t)) return Number(t.replace(/[dDfF]$/, ''));
  if (t === (o?.nanValue ?? 'NaN') || t === 'NaN') return NaN;
  if (t === (o?.positiveInf ?? 'Inf') || t === 'Infinity' || t === '+Infinity' || t === '+Inf') return Infinity;
  if (t === (o?.negativeInf ?? '-Inf') || t === '-Infinity') return -Infinity;
  return undefined;
}

/** Converter from a non-null text field to the internal value of `t`, or BAD when it does not parse. */
export function textParser(t: DataType, o: TextValueOptions, field: string): (s: string) => unknown {
  switch (t.kind) {
    case 'string': return (s) => s;
    case 'boolean': return (s) => {
      const l = s.trim().toLowerCase();
      return l === 'true' ? 1 : l === 'false' ? 0 : BAD;
    };
    case 'int': return (s) => {
      const x = s.trim();
      if (!INT_RE.test(x)) return BAD;
      const n = Number(x);
      return n > 2147483647 || n < -2147483648 ? BAD : n;
    };
    case 'long': return (s) => {
      const x = s.trim();
      if (!INT_RE.test(x)) return BAD;
      const n = Number(x);
      return n > 9223372036854775807 || n < -9223372036854775808 ? BAD : n;
    };
    case 'float': case 'double': {
      const round = t.kind === 'float' ? Math.fround : (x: number) => x;
      return (s) => { const n = parseJavaDouble(s, o); return n === undefined ? BAD : round(n); };
    }
    case 'decimal': {
      const f = 10 ** t.scale;
      const limit = 10 ** (t.precision - t.scale);
      return (s) => {
        const x = s.trim();
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x)) return BAD;
        const n = Math.round(Number(x) * f) / f;
        return Math.abs(n) >= limit ? BAD : n;
      };
    }
    case 'date': {
      if (o.dateFormat === undefined) return (s) => lenientDate(s) ?? BAD;
      const p = compileDateTimePattern(o.dateFormat, o.timeZone, 'dateFormat');
      return (s) => p.parseDate(s.trim()) ?? BAD;
    }
    case 'timestamp': {
      if (o.timestampFormat === undefined) return lenientTimestampParser(o.timeZone);
      const p = compileDateTimePattern(o.timestampFormat, o.timeZone, 'timestampFormat');
      return (s) => p.parseTimestamp(s.trim()) ?? BAD;
    }
    case 'binary': {
      const enc = new TextEncoder();
      return (s) => enc.encode(s);
    }
    case 'null': return () => null;
    default:
      throw new SpateError('UNSUPPORTED_DATA_TYPE',
        `Column '${field}' has type ${t.kind}, which text formats such as CSV cannot hold; read it as string and parse it with from_json, or use json/parquet.`);
  }
}

/** Spark's cast-style timestamp parsing, interpreting zone-less text in the session time zone. */
export function lenientTimestampParser(timeZone: string): (s: string) => unknown {
  const zone = getZone(timeZone);
  return (s) => parseTimestampIn(s, zone) ?? BAD;
}

/** Formatter from a non-null internal value to the text csv and partition paths hold. */
export function textFormatter(t: DataType, o: TextValueOptions, defaults: { date: string; timestamp: string }): (v: unknown) => string {
  switch (t.kind) {
    case 'string': return (v) => v as string;
    case 'boolean': return (v) => (v ? 'true' : 'false');
    case 'int': case 'long': return (v) => String(v);
    case 'float': case 'double': return (v) => formatDouble(v as number);
    case 'decimal': { const sc = t.scale; return (v) => (v as number).toFixed(sc); }
    case 'date': {
      const fmt = o.dateFormat ?? defaults.date;
      if (fmt === 'yyyy-MM-dd') return (v) => formatDate(v as number);
      const p: DateTimePattern = compileDateTimePattern(fmt, o.timeZone, 'dateFormat');
      return (v) => p.formatDate(v as number);
    }
    case 'timestamp': {
      const p = compileDateTimePattern(o.timestampFormat ?? defaults.timestamp, o.timeZone, 'timestampFormat');
      return (v) => p.formatTimestamp(v as number);
    }
    case 'binary': { const dec = new TextDecoder(); return (v) => dec.decode(v as Uint8Array); }
    case 'null': return () => '';
    default:
      throw new SpateError('UNSUPPORTED_DATA_TYPE',
        `Type ${t.kind} cannot be written as text; cast it to string (e.g. to_json(col)) or write json/parquet instead.`);
  }
}
