import { StringType, StructField, StructType, DoubleType, IntegerType, LongType, BooleanType, DateType, TimestampType, type DataType } from '../core/types.js';
import { SpateError } from '../core/errors.js';
import { makeBatch, type RecordBatch } from '../core/batch.js';
import { checkUtf8, parseMode, type ParseMode, type SourceOptions } from './options.js';
import { tokenizeCsv, type CsvTokenizerSettings } from './csv-tokenizer.js';
import { BAD, parseJavaDouble, textParser, lenientTimestampParser, type TextValueOptions } from './text-values.js';
import { compileDateTimePattern } from '../core/datetime-formatter.js';
import { ColumnBuilder } from './column-builder.js';

/** Everything the csv reader takes from the options, validated once per read. */
export interface CsvReadSettings extends CsvTokenizerSettings, TextValueOptions {
  readonly header: boolean;
  readonly inferSchema: boolean;
  readonly nullValue: string;
  readonly mode: ParseMode;
  readonly corruptColumn: string;
  readonly preferDate: boolean;
}

export function csvReadSettings(o: SourceOptions, timeZone: string): CsvReadSettings {
  checkUtf8(o);
  return {
    sep: o.char('sep', ',', ['delimiter']),
    quote: o.char('quote', '"', [], true),
    escape: o.char('escape', '\\', [], true),
    comment: o.char('comment', '', [], true),
    multiLine: o.bool('multiLine', false),
    ignoreLeadingWhiteSpace: o.bool('ignoreLeadingWhiteSpace', false),
    ignoreTrailingWhiteSpace: o.bool('ignoreTrailingWhiteSpace', false),
    emptyValue: o.string('emptyValue', ''),
    header: o.bool('header', false),
    inferSchema: o.bool('inferSchema', false),
    nullValue: o.string('nullValue', ''),
    mode: parseMode(o),
    corruptColumn: o.string('columnNameOfCorruptRecord', '_corrupt_record'),
    preferDate: o.bool('preferDate', true),
    timeZone,
    dateFormat: o.get('dateFormat'),
    timestampFormat: o.get('timestampFormat'),
    nanValue: o.string('nanValue', 'NaN'),
    positiveInf: o.string('positiveInf', 'Inf'),
    negativeInf: o.string('negativeInf', '-Inf'),
  };
}

/** The first record of a file (its header, or the width of its rows), or undefined for an empty file. */
export function firstCsvRecord(text: string, s: CsvReadSettings): (string | null)[] | undefined {
  let first: (string | null)[] | undefined;
  tokenizeCsv(text, s, (f) => { first = [...f]; return false; });
  return first;
}

/** Column names as Spark derives them: header names (empty → `_cN`, duplicates get their index appended), else `_c0`, `_c1`, … */
export function csvColumnNames(first: readonly (string | null)[], header: boolean): string[] {
  if (!header) return first.map((_, i) => `_c${i}`);
  const raw = first.map((h, i) => (h === null || h === '' ? `_c${i}` : h));
  const lower = raw.map((h) => h.toLowerCase());
  return raw.map((h, i) => (lower.indexOf(lower[i]!) !== lower.lastIndexOf(lower[i]!) ? `${h}${i}` : h));
}

type Kind = 'null' | 'int' | 'long' | 'double' | 'date' | 'timestamp' | 'boolean' | 'string';
const NUM_ORDER: Partial<Record<Kind, number>> = { int: 1, long: 2, double: 3 };

/** Spark's CSV schema inference over all records of all files (int → long → double → date → timestamp → boolean → string). */
export function inferCsvSchema(files: readonly string[], s: CsvReadSettings): StructType {
  let names: string[] | undefined;
  let kinds: Kind[] = [];
  const datePattern = compileDateTimePattern(s.dateFormat ?? 'yyyy-MM-dd', s.timeZone, 'dateFormat');
  const tsParse = s.timestampFormat === undefined
    ? lenientTimestampParser(s.timeZone)
    : ((p) => (x: string) => p.parseTimestamp(x) ?? BAD)(compileDateTimePattern(s.timestampFormat, s.timeZone, 'timestampFormat'));
  const tryFrom = (start: Kind, f: string): Kind => {
    switch (start) {
      case 'null': case 'int':
        if (/^[+-]?\d+$/.test(f)) {
          const n = Number(f);
          if (n <= 2147483647 && n >= -2147483648) return 'int';
          if (n <= 9223372036854775807 && n >= -9223372036854775808) return 'long';
          return tryFrom('double', f);
        }
        return tryFrom('double', f);
      case 'long':
        return /^[+-]?\d+$/.test(f) && Math.abs(Number(f)) <= 9223372036854775807 ? 'long' : tryFrom('double', f);
      case 'double':
        if (parseJavaDouble(f, s) !== undefined && !/^\s|\s$/.test(f)) return 'double';
        return s.preferDate ? tryFrom('date', f) : tryFrom('timestamp', f);
      case 'date':
        return datePattern.parseDate(f) !== null ? 'date' : tryFrom('timestamp', f);
      case 'timestamp':
        return tsParse(f) !== BAD ? 'timestamp' : tryFrom('boolean', f);
      case 'boolean': {
        const l = f.toLowerCase();
        return l === 'true' || l === 'false' ? 'boolean' : 'string';
      }
      case 'string': return 'string';
    }
  };
  const merge = (a: Kind, b: Kind): Kind => {
    if (a === b) return a;
    if (a === 'null') return b;
    if (b === 'null') return a;
    const ra = NUM_ORDER[a], rb = NUM_ORDER[b];
    if (ra !== undefined && rb !== undefined) return ra > rb ? a : b;
    // Spark: a date/timestamp mix is a timestamp unless the user fixed a timestampFormat.
    if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return s.timestampFormat === undefined ? 'timestamp' : 'string';
    return 'string';
  };
  for (const text of files) {
    let first = true;
    tokenizeCsv(text, s, (fields) => {
      if (first) {
        first = false;
        if (names === undefined) {
          names = csvColumnNames(fields, s.header);
          kinds = names.map(() => 'null');
        }
        if (s.header) return;
      }
      const w = Math.min(fields.length, kinds.length);
      for (let i = 0; i < w; i++) {
        const f = fields[i];
        if (f === null || f === undefined || f === s.nullValue) continue;
        const k = kinds[i]!;
        if (k === 'string') continue;
        kinds[i] = merge(k, tryFrom(k, f));
      }
    });
  }
  const TYPES: Record<Kind, DataType> = {
    null: StringType, int: IntegerType, long: LongType, double: DoubleType, date: DateType,
    timestamp: TimestampType, boolean: BooleanType, string: StringType,
  };
  return StructType((names ?? []).map((n, i) => StructField(n, TYPES[kinds[i]!])));
}

/**
 * Parses one file's text into a batch of `schema` (the columns asked for,
 * possibly including the corrupt-record column). `fileColumns` is the
 * file's full column list (header names or the data schema); a record with
 * another field count, or a field that does not parse, is malformed.
 */
export function parseCsv(text: string, path: string, schema: StructType, fileColumns: readonly string[], s: CsvReadSettings): RecordBatch {
  const header = s.header;
  const out = schema.fields.map((f) => new ColumnBuilder(f.dataType));
  const corruptIdx = schema.fields.findIndex((f) => f.name === s.corruptColumn && f.dataType.kind === 'string');
  // Source position of each output column: by name against the header (case-insensitive), falling back to position.
  const dataFields = schema.fields.filter((_, i) => i !== corruptIdx);
  const lowerCols = fileColumns.map((c) => c.toLowerCase());
  const byName = header && dataFields.every((f) => lowerCols.includes(f.name.toLowerCase()));
  let d = 0;
  const src = schema.fields.map((f, i) => (i === corruptIdx ? -1 : byName ? lowerCols.indexOf(f.name.toLowerCase()) : d++));
  const parsers = schema.fields.map((f, i) => (i === corruptIdx ? () => null : textParser(f.dataType, s, f.name)));
  const width = fileColumns.length;
  const nullValue = s.nullValue;
  const nOut = out.length;
  let rows = 0;
  let skipHeader = header;

  tokenizeCsv(text, s, (fields, raw, line) => {
    if (skipHeader) { skipHeader = false; return; }
    let bad = fields.length !== width;
    let badField = bad ? `expected ${width} fields, found ${fields.length}` : '';
    for (let j = 0; j < nOut; j++) {
      if (j === corruptIdx) continue;
      const b = out[j]!;
      const tok = fields[src[j]!];
      if (tok === null || tok === undefined || tok === nullValue) { b.appendNull(); continue; }
      const v = parsers[j]!(tok);
      if (v === BAD) {
        b.appendNull();
        if (!bad) { bad = true; badField = `field '${schema.fields[j]!.name}' = ${JSON.stringify(tok)} is not a valid ${schema.fields[j]!.dataType.kind}`; }
      } else b.append(v);
    }
    if (bad) {
      if (s.mode === 'FAILFAST') {
        throw new SpateError('MALFORMED_RECORD',
          `Malformed CSV record in ${path} at line ${line}: ${badField}. Fix the data, or use mode 'PERMISSIVE' (nulls) or 'DROPMALFORMED' (skip the row).`);
      }
      if (s.mode === 'DROPMALFORMED') {
        for (let j = 0; j < nOut; j++) if (j !== corruptIdx) out[j]!.truncate(rows);
        return;
      }
    }
    if (corruptIdx >= 0) bad ? out[corruptIdx]!.append(raw) : out[corruptIdx]!.appendNull();
    rows++;
  });
  return makeBatch(schema, out.map((b) => b.finish()), rows);
}
