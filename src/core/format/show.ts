import type { DataType, StructType } from '../types.js';
import { formatDate, formatTimestamp } from '../datetime.js';
import { formatDouble, formatFloat } from './numbers.js';

/**
 * Spark 3.5's `Dataset.showString`, the table `show()` and the console sink
 * print. Values are rendered the way Spark's `ToPrettyString` does: NULL for
 * null (top level and nested), binary as hex bytes `[01 0A]`, decimals in
 * plain notation, doubles and floats as Java prints them, timestamps in the
 * session time zone (UTC unless a formatter is passed).
 */

/** Rendering options that are not part of Spark's signature. */
export interface ShowOptions {
  /** Renders a timestamp (microseconds since the epoch); defaults to UTC `yyyy-MM-dd HH:mm:ss[.ffffff]`. */
  readonly formatTimestamp?: (micros: number) => string;
}

/**
 * The `show()` table for `rows` (internal values, one array per row, in schema order).
 * `truncate`: true = 20 characters, false/0 = no truncation, n = n characters (cells
 * right-aligned when truncating, left-aligned otherwise, as in Spark). Rows past
 * `numRows` are not printed; `hasMoreData` (or extra rows) adds the "only showing top N rows" footer.
 */
export function showString(
  schema: StructType,
  rows: readonly (readonly unknown[])[],
  numRows: number,
  truncate: boolean | number,
  vertical: boolean,
  hasMoreData: boolean,
  options: ShowOptions = {},
): string {
  const limit = Math.max(0, Math.floor(numRows));
  const width = truncate === true ? 20 : truncate === false ? 0 : Math.floor(truncate);
  const more = hasMoreData || rows.length > limit;
  const formatters = schema.fields.map((f) => prettyFormatter(f.dataType, options));
  const header = schema.fields.map((f) => escapeMetaCharacters(f.name));
  const cells: string[][] = [];
  const n = Math.min(limit, rows.length);
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    cells.push(formatters.map((fmt, c) => cut(escapeMetaCharacters(prettyValue(row[c], fmt)), width)));
  }
  let out = vertical ? verticalTable(header, cells) : horizontalTable(header, cells, width > 0);
  if (vertical && cells.length === 0) out += '(0 rows)\n';
  else if (more) out += `only showing top ${limit} ${limit === 1 ? 'row' : 'rows'}\n`;
  return out;
}

/** Spark cuts a long cell to `truncate - 3` characters plus "...", or to `truncate` when that is under 4. */
function cut(s: string, truncate: number): string {
  if (truncate <= 0 || s.length <= truncate) return s;
  return truncate < 4 ? s.slice(0, truncate) : s.slice(0, truncate - 3) + '...';
}

const MIN_COL_WIDTH = 3;

function horizontalTable(header: readonly string[], cells: readonly string[][], alignRight: boolean): string {
  const widths = header.map((h) => Math.max(MIN_COL_WIDTH, stringHalfWidth(h)));
  for (const row of cells) row.forEach((c, i) => { widths[i] = Math.max(widths[i]!, stringHalfWidth(c)); });
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - stringHalfWidth(s)));
    return alignRight ? fill + s : s + fill;
  };
  const line = (row: readonly string[]): string => `|${row.map(pad).join('|')}|\n`;
  const sep = `+${widths.map((w) => '-'.repeat(w)).join('+')}+\n`;
  return sep + line(header) + sep + cells.map(line).join('') + sep;
}

function verticalTable(header: readonly string[], cells: readonly string[][]): string {
  const nameWidth = header.reduce((m, h) => Math.max(m, stringHalfWidth(h)), MIN_COL_WIDTH);
  const dataWidth = cells.reduce((m, row) => row.reduce((mm, c) => Math.max(mm, stringHalfWidth(c)), m), MIN_COL_WIDTH);
  const padRight = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - stringHalfWidth(s)));
  let out = '';
  cells.forEach((row, i) => {
    // "+ 5" covers the " ", " | " and trailing " " around the two padded columns.
    const title = `-RECORD ${i}`;
    out += title + '-'.repeat(Math.max(0, nameWidth + dataWidth + 5 - title.length)) + '\n';
    row.forEach((c, j) => { out += ` ${padRight(header[j]!, nameWidth)} | ${padRight(c, dataWidth)} \n`; });
  });
  return out;
}

/**
 * Characters East Asian terminals draw two columns wide (Spark's `Utils.fullWidthRegex`);
 * matched per UTF-16 unit, like Java.
 */
const FULL_WIDTH = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE10-\uFE19\uFE30-\uFE6F\uFF00-\uFF60\uFFE0-\uFFE6]/g;

/** Display width in half-width columns: UTF-16 length plus one per full-width character (Spark's `stringHalfWidth`). */
export function stringHalfWidth(s: string): number {
  const m = s.match(FULL_WIDTH);
  return s.length + (m === null ? 0 : m.length);
}

const META: Readonly<Record<string, string>> = {
  '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b', '\u000B': '\\v', '\u0007': '\\a',
};

/** Replaces control characters that would break the table with their escapes (Spark's `escapeMetaCharacters`). */
export function escapeMetaCharacters(s: string): string {
  return s.replace(/[\n\r\t\f\b\u000B\u0007]/g, (c) => META[c]!);
}

type Formatter = (v: any) => string;

function prettyValue(v: unknown, fmt: Formatter): string {
  return v === null || v === undefined ? 'NULL' : fmt(v);
}

/** The renderer of non-null internal values of type `t`, as Spark's `ToPrettyString`. */
export function prettyFormatter(t: DataType, options: ShowOptions = {}): Formatter {
  switch (t.kind) {
    case 'null': return () => 'NULL';
    case 'string': return (s: string) => s;
    case 'boolean': return (b: boolean | number) => (b === true || b === 1 ? 'true' : 'false');
    case 'int': case 'long': return (n: number) => String(n);
    case 'double': return formatDouble;
    case 'float': return formatFloat;
    case 'decimal': { const scale = t.scale; return (n: number) => n.toFixed(scale); }
    case 'date': return formatDate;
    case 'timestamp': return options.formatTimestamp ?? ((m: number) => formatTimestamp(m));
    case 'binary': return hexBytes;
    case 'array': {
      const el = prettyFormatter(t.elementType, options);
      return (a: readonly unknown[]) => `[${a.map((x) => prettyValue(x, el)).join(', ')}]`;
    }
    case 'map': {
      const k = prettyFormatter(t.keyType, options);
      const v = prettyFormatter(t.valueType, options);
      return (m: ReadonlyMap<unknown, unknown>) => {
        const parts: string[] = [];
        for (const [a, b] of m) parts.push(`${prettyValue(a, k)} -> ${prettyValue(b, v)}`);
        return `{${parts.join(', ')}}`;
      };
    }
    case 'struct': {
      const fs = t.fields.map((f) => prettyFormatter(f.dataType, options));
      return (s: readonly unknown[]) => `{${fs.map((f, i) => prettyValue(s[i], f)).join(', ')}}`;
    }
  }
}

/** `[31 32 0A]`: upper-case hex bytes, as Spark 3.5 shows binary. */
function hexBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i > 0 ? ' ' : '') + (b[i]! < 16 ? '0' : '') + b[i]!.toString(16).toUpperCase();
  return `[${s}]`;
}

