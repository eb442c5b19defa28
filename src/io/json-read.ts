import { StringType, StructField, StructType, type DataType } from '../core/types.js';
import { SpateError } from '../core/errors.js';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { parseDate as lenientDate } from '../core/datetime.js';
import { checkUtf8, parseMode, type ParseMode, type SourceOptions } from './options.js';
import { BAD, lenientTimestampParser } from './text-values.js';
import { compileDateTimePattern } from '../core/datetime-formatter.js';
import { ColumnBuilder } from './column-builder.js';
import { finishJsonType, inferJsonType, mergeJsonTypes } from './json-infer.js';

/** The json reader's options, validated once per read. */
export interface JsonReadSettings {
  readonly multiLine: boolean;
  readonly mode: ParseMode;
  readonly corruptColumn: string;
  readonly primitivesAsString: boolean;
  readonly allowComments: boolean;
  readonly timeZone: string;
  readonly dateFormat: string | undefined;
  readonly timestampFormat: string | undefined;
}

export function jsonReadSettings(o: SourceOptions, timeZone: string): JsonReadSettings {
  checkUtf8(o);
  return {
    multiLine: o.bool('multiLine', false),
    mode: parseMode(o),
    corruptColumn: o.string('columnNameOfCorruptRecord', '_corrupt_record'),
    primitivesAsString: o.bool('primitivesAsString', false),
    allowComments: o.bool('allowComments', false),
    timeZone,
    dateFormat: o.get('dateFormat'),
    timestampFormat: o.get('timestampFormat'),
  };
}

/** One JSON record: a parsed top-level object, or the raw text of one that did not parse. */
type Rec = { obj: Record<string, unknown>; raw: string; line: number } | { obj: null; raw: string; line: number };

/**
 * Splits a file into records: one per non-blank line (JSON Lines), or the
 * whole file in multiLine mode. A top-level array yields one record per
 * element, as in Spark; anything but an object is a corrupt record.
 */
function forEachRecord(text: string, s: JsonReadSettings, fn: (r: Rec) => void): void {
  const emit = (raw: string, line: number) => {
    let v: unknown;
    try { v = JSON.parse(s.allowComments ? stripComments(raw) : raw); } catch { fn({ obj: null, raw, line }); return; }
    if (Array.isArray(v)) {
      for (const e of v) {
        if (e !== null && typeof e === 'object' && !Array.isArray(e)) fn({ obj: e as Record<string, unknown>, raw, line });
        else fn({ obj: null, raw, line });
      }
    } else if (v !== null && typeof v === 'object') fn({ obj: v as Record<string, unknown>, raw, line });
    else fn({ obj: null, raw, line });
  };
  if (s.multiLine) {
    if (text.trim() !== '') emit(text.trim(), 1);
    return;
  }
  let start = 0;
  let line = 1;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    let e = end;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    const raw = text.slice(start, e);
    if (raw.trim() !== '') emit(raw, line);
    start = end + 1;
    line++;
  }
}

/** Drops `//` and `/* *\/` comments outside strings (the allowComments option). */
function stripComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const e = s.indexOf('*/', i + 2);
      i = e < 0 ? s.length : e + 2;
    } else { out += c; i++; }
  }
  return out;
}

/** Spark's JSON inference over all records of all files; adds the corrupt-record column when some record did not parse. */
export function inferJsonSchema(texts: readonly string[], s: JsonReadSettings): StructType {
  let t: DataType = StructType([]);
  let sawCorrupt = false;
  for (const text of texts) {
    forEachRecord(text, s, (r) => {
      if (r.obj === null) { sawCorrupt = true; return; }
      t = mergeJsonTypes(t, inferJsonType(r.obj, s.primitivesAsString));
    });
  }
  const st = finishJsonType(t) as StructType;
  if (sawCorrupt && s.mode === 'PERMISSIVE' && !st.fields.some((f) => f.name === s.corruptColumn)) {
    return StructType([...st.fields, StructField(s.corruptColumn, StringType)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  return st;
}

/** A converter from a parsed JSON value (non-null) to the internal value of `t`, or BAD. */
function jsonConverter(t: DataType, s: JsonReadSettings): (v: unknown) => unknown {
  switch (t.kind) {
    case 'string': return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
    case 'boolean': return (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : BAD);
    case 'long': return (v) => (typeof v === 'number' && Number.isInteger(v) ? v : BAD);
    case 'int': return (v) => (typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648 ? v : BAD);
    case 'float': case 'double': case 'decimal': {
      const round = t.kind === 'float' ? Math.fround : t.kind === 'decimal' ? ((f) => (x: number) => Math.round(x * f) / f)(10 ** t.scale) : (x: number) => x;
      return (v) => {
        if (typeof v === 'number') return round(v);
        // Spark's allowNonNumericNumbers (default on) accepts these as quoted strings too.
        if (v === 'NaN') return NaN;
        if (v === 'Infinity' || v === '+Infinity' || v === '+INF' || v === 'INF') return Infinity;
        if (v === '-Infinity' || v === '-INF') return -Infinity;
        return BAD;
      };
    }
    case 'timestamp': {
      const p = s.timestampFormat === undefined ? lenientTimestampParser(s.timeZone)
        : ((pat) => (x: string) => pat.parseTimestamp(x) ?? BAD)(compileDateTimePattern(s.timestampFormat, s.timeZone, 'timestampFormat'));
      return (v) => (typeof v === 'string' ? p(v) : typeof v === 'number' ? Math.trunc(v * 1_000_000) : BAD);
    }
    case 'date': {
      const p = s.dateFormat === undefined ? (x: string) => lenientDate(x) ?? BAD
        : ((pat) => (x: string) => pat.parseDate(x) ?? BAD)(compileDateTimePattern(s.dateFormat, s.timeZone, 'dateFormat'));
      return (v) => (typeof v === 'string' ? p(v) : BAD);
    }
    case 'binary': return (v) => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : BAD);
    case 'array': {
      const el = jsonConverter(t.elementType, s);
      return (v) => {
        if (!Array.isArray(v)) return BAD;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const e = v[i];
          if (e === null) { out[i] = null; continue; }
          const x = el(e);
          if (x === BAD) return BAD;
          out[i] = t.elementType.kind === 'boolean' ? x === 1 : x;
        }
        return out;
      };
    }
    case 'map': {
      const val = jsonConverter(t.valueType, s);
      const key = jsonConverter(t.keyType, s);
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return BAD;
        const m = new Map<unknown, unknown>();
        for (const [k, x] of Object.entries(v as object)) {
          const kk = t.keyType.kind === 'string' ? k : key(Number.isNaN(Number(k)) ? k : Number(k));
          const xx = x === null ? null : val(x);
          if (kk === BAD || xx === BAD) return BAD;
          m.set(kk, t.valueType.kind === 'boolean' && xx !== null ? xx === 1 : xx);
        }
        return m;
      };
    }
    case 'struct': {
      const convs = t.fields.map((f) => jsonConverter(f.dataType, s));
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return BAD;
        const o = v as Record<string, unknown>;
        const out = new Array<unknown>(convs.length);
        for (let i = 0; i < convs.length; i++) {
          const f = t.fields[i]!;
          const x = o[f.name];
          if (x === null || x === undefined) { out[i] = null; continue; }
          const y = convs[i]!(x);
          if (y === BAD) return BAD;
          out[i] = f.dataType.kind === 'boolean' ? y === 1 : y;
        }
        return out;
      };
    }
    case 'null': return () => null;
  }
}

/** Parses one file's text into a batch of `schema`, applying the parse mode to malformed records. */
export function parseJson(text: string, path: string, schema: StructType, s: JsonReadSettings): RecordBatch {
  const out = schema.fields.map((f) => new ColumnBuilder(f.dataType));
  const corruptIdx = schema.fields.findIndex((f) => f.name === s.corruptColumn && f.dataType.kind === 'string');
  const convs = schema.fields.map((f) => jsonConverter(f.dataType, s));
  const names = schema.fields.map((f) => f.name);
  const nOut = out.length;
  let rows = 0;
  forEachRecord(text, s, (r) => {
    let bad = r.obj === null;
    let why = bad ? 'not a JSON object' : '';
    for (let j = 0; j < nOut; j++) {
      if (j === corruptIdx) continue;
      const b = out[j]!;
      const v = r.obj === null ? null : r.obj[names[j]!];
      if (v === null || v === undefined) { b.appendNull(); continue; }
      const x = convs[j]!(v);
      if (x === BAD) {
        b.appendNull();
        if (!bad) { bad = true; why = `field '${names[j]}' = ${JSON.stringify(v).slice(0, 60)} does not fit ${schema.fields[j]!.dataType.kind}`; }
      } else b.append(x);
    }
    if (bad) {
      if (s.mode === 'FAILFAST') {
        throw new SpateError('MALFORMED_RECORD',
          `Malformed JSON record in ${path} at line ${r.line}: ${why}. Fix the data, or use mode 'PERMISSIVE' (nulls) or 'DROPMALFORMED' (skip the record).`);
      }
      if (s.mode === 'DROPMALFORMED') {
        for (let j = 0; j < nOut; j++) if (j !== corruptIdx) out[j]!.truncate(rows);
        return;
      }
    }
    if (corruptIdx >= 0) bad ? out[corruptIdx]!.append(r.raw) : out[corruptIdx]!.appendNull();
    rows++;
  });
  return makeBatch(schema, out.map((b) => b.finish()), rows);
}
