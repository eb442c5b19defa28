import type { DataType, StructType } from '../core/types.js';
import { SpateError } from '../core/errors.js';
import type { RecordBatch } from '../core/batch.js';
import { isNullAt } from '../core/vector.js';
import { formatDouble } from '../core/format/numbers.js';
import { formatDate } from '../core/datetime.js';
import { checkUtf8, type SourceOptions } from './options.js';
import { textFormatter } from './text-values.js';
import { compileDateTimePattern } from '../core/datetime-formatter.js';

/** Spark's default timestamp text for csv and json output: `2024-01-01T00:00:00.000Z` in UTC. */
export const DEFAULT_TIMESTAMP_WRITE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

/** Encodes batches as CSV text (Spark's writer defaults: no header, `\` escapes quotes, null → nullValue, empty string → `""`). */
export function encodeCsv(schema: StructType, batches: readonly RecordBatch[], o: SourceOptions, timeZone: string): string {
  checkUtf8(o);
  const sep = o.char('sep', ',', ['delimiter']);
  const quote = o.char('quote', '"', [], true);
  const escape = o.char('escape', '\\', [], true);
  const nullValue = o.string('nullValue', '');
  const emptyValue = o.string('emptyValue', quote === '' ? '' : quote + quote);
  const quoteAll = o.bool('quoteAll', false);
  const trimLead = o.bool('ignoreLeadingWhiteSpace', true);
  const trimTrail = o.bool('ignoreTrailingWhiteSpace', true);
  const fmtOpts = { timeZone, dateFormat: o.get('dateFormat'), timestampFormat: o.get('timestampFormat') };
  const fmts = schema.fields.map((f) => textFormatter(f.dataType, fmtOpts, { date: 'yyyy-MM-dd', timestamp: DEFAULT_TIMESTAMP_WRITE_FORMAT }));
  const lineSep = o.string('lineSep', '\n');
  const needsQuote = (s: string) => quoteAll || s.includes(sep) || (quote !== '' && s.includes(quote)) || s.includes('\n') || s.includes('\r');
  const cell = (s: string): string => {
    if (trimLead) s = s.replace(/^[ \t]+/, '');
    if (trimTrail) s = s.replace(/[ \t]+$/, '');
    if (s === '') return emptyValue;
    if (quote === '' || !needsQuote(s)) return s;
    const esc = escape === '' ? quote + quote : escape + quote;
    return quote + s.split(quote).join(esc) + quote;
  };
  const parts: string[] = [];
  if (o.bool('header', false)) parts.push(schema.fields.map((f) => cell(f.name)).join(sep) + lineSep);
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      let line = '';
      for (let c = 0; c < b.columns.length; c++) {
        if (c > 0) line += sep;
        const col = b.columns[c]!;
        line += isNullAt(col, i) ? nullValue : cell(fmts[c]!(col.type.kind === 'boolean' ? col.values[i] === 1 : col.values[i]));
      }
      parts.push(line + lineSep);
    }
  }
  return parts.join('');
}

/** Encodes batches as JSON Lines the way Spark writes them (null fields left out unless ignoreNullFields=false). */
export function encodeJson(schema: StructType, batches: readonly RecordBatch[], o: SourceOptions, timeZone: string): string {
  checkUtf8(o);
  const keepNulls = !o.bool('ignoreNullFields', true);
  const ts = compileDateTimePattern(o.get('timestampFormat') ?? DEFAULT_TIMESTAMP_WRITE_FORMAT, timeZone, 'timestampFormat');
  const dateFmt = o.get('dateFormat');
  const dp = dateFmt === undefined ? undefined : compileDateTimePattern(dateFmt, timeZone, 'dateFormat');
  const ctx: JsonCtx = { ts: (v) => ts.formatTimestamp(v), date: dp ? (v) => dp.formatDate(v) : formatDate, keepNulls };
  const encs = schema.fields.map((f) => jsonEncoder(f.dataType, ctx));
  const keys = schema.fields.map((f) => JSON.stringify(f.name) + ':');
  const lineSep = o.string('lineSep', '\n');
  const parts: string[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      let s = '{';
      let first = true;
      for (let c = 0; c < b.columns.length; c++) {
        const col = b.columns[c]!;
        const isNull = isNullAt(col, i);
        if (isNull && !keepNulls) continue;
        if (!first) s += ',';
        first = false;
        s += keys[c]! + (isNull ? 'null' : encs[c]!(col.type.kind === 'boolean' ? col.values[i] === 1 : col.values[i]));
      }
      parts.push(s + '}' + lineSep);
    }
  }
  return parts.join('');
}

interface JsonCtx { ts: (v: number) => string; date: (v: number) => string; keepNulls: boolean }

function jsonEncoder(t: DataType, ctx: JsonCtx): (v: any) => string {
  switch (t.kind) {
    case 'string': return (v: string) => JSON.stringify(v);
    case 'boolean': return (v: boolean) => (v ? 'true' : 'false');
    case 'int': case 'long': return (v: number) => String(v);
    case 'float': case 'double': return (v: number) => (Number.isFinite(v) ? formatDouble(v).replace('E', 'E') : JSON.stringify(formatDouble(v)));
    case 'decimal': { const sc = t.scale; return (v: number) => v.toFixed(sc); }
    case 'timestamp': return (v: number) => JSON.stringify(ctx.ts(v));
    case 'date': return (v: number) => JSON.stringify(ctx.date(v));
    case 'binary': return (v: Uint8Array) => JSON.stringify(Buffer.from(v).toString('base64'));
    case 'null': return () => 'null';
    case 'array': {
      const e = jsonEncoder(t.elementType, ctx);
      return (v: unknown[]) => '[' + v.map((x) => (x === null ? 'null' : e(x))).join(',') + ']';
    }
    case 'map': {
      const k = t.keyType.kind === 'string' ? (x: string) => x : textFormatter(t.keyType, { timeZone: 'UTC' }, { date: 'yyyy-MM-dd', timestamp: DEFAULT_TIMESTAMP_WRITE_FORMAT });
      const e = jsonEncoder(t.valueType, ctx);
      return (m: Map<unknown, unknown>) => '{' + [...m].map(([a, b]) => JSON.stringify(k(a as never)) + ':' + (b === null ? 'null' : e(b))).join(',') + '}';
    }
    case 'struct': {
      const es = t.fields.map((f) => jsonEncoder(f.dataType, ctx));
      const ks = t.fields.map((f) => JSON.stringify(f.name) + ':');
      return (s: unknown[]) => {
        const parts: string[] = [];
        for (let i = 0; i < es.length; i++) {
          const v = s[i];
          if (v === null || v === undefined) { if (ctx.keepNulls) parts.push(ks[i]! + 'null'); continue; }
          parts.push(ks[i]! + es[i]!(v));
        }
        return '{' + parts.join(',') + '}';
      };
    }
  }
}

/** Encodes a single string column as lines (Spark's text format). */
export function encodeText(schema: StructType, batches: readonly RecordBatch[], o: SourceOptions): string {
  if (schema.fields.length !== 1 || schema.fields[0]!.dataType.kind !== 'string') {
    throw new SpateError('TEXT_WRITE_SCHEMA',
      `The text format writes exactly one string column, but the data has ${schema.fields.length === 1 ? `one ${schema.fields[0]!.dataType.kind} column` : `${schema.fields.length} columns (${schema.fields.map((f) => f.name).join(', ')})`}; select one column and cast it to string, or concat_ws the columns.`);
  }
  const lineSep = o.string('lineSep', '\n');
  const parts: string[] = [];
  for (const b of batches) {
    const col = b.columns[0]!;
    for (let i = 0; i < b.numRows; i++) parts.push((isNullAt(col, i) ? '' : (col.values[i] as string)) + lineSep);
  }
  return parts.join('');
}
