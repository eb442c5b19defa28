import { promises as fsp, readFileSync } from 'node:fs';
import { StringType, StructField, StructType, type DataType } from '../core/types.js';
import { AnalysisException, SpateError } from '../core/errors.js';
import { emptyBatch, makeBatch, type RecordBatch } from '../core/batch.js';
import { constantVector, nullVector, type Vector } from '../core/vector.js';
import { toOptions, type SourceOptions } from './options.js';
import { listInputFiles, listInputFilesSync, type InputFile } from './list-files.js';
import { csvColumnNames, csvReadSettings, firstCsvRecord, inferCsvSchema, parseCsv } from './csv-read.js';
import { inferJsonSchema, jsonReadSettings, parseJson } from './json-read.js';
import { parquetFileSchema, readParquet } from './parquet-read.js';
import { DEFAULT_PARTITION_NAME, inferPartitionType } from './partitions.js';
import { BAD, textParser } from './text-values.js';

/** The file formats spate reads and writes. */
export type FileFormat = 'csv' | 'json' | 'text' | 'parquet';
type OptionsIn = ReadonlyMap<string, string> | Record<string, string> | SourceOptions;

const TEXT_SCHEMA = StructType([StructField('value', StringType)]);

async function readText(path: string): Promise<string> {
  try { return await fsp.readFile(path, 'utf8'); } catch (e) {
    throw new SpateError('FILE_READ_FAILED', `Could not read ${path}: ${(e as Error).message}.`, { cause: e });
  }
}

async function readBuffer(path: string): Promise<ArrayBuffer> {
  try {
    const b = await fsp.readFile(path);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (e) {
    throw new SpateError('FILE_READ_FAILED', `Could not read ${path}: ${(e as Error).message}.`, { cause: e });
  }
}

/** Partition columns of a file listing, typed from the user schema when it names them, else inferred as Spark does. */
function partitionSchema(files: readonly InputFile[], userSchema: StructType | undefined, timeZone: string): StructField[] {
  const names: string[] = [];
  for (const f of files) for (const k of Object.keys(f.partitionValues)) if (!names.includes(k)) names.push(k);
  return names.map((n) => {
    const given = userSchema?.fields.find((f) => f.name.toLowerCase() === n.toLowerCase());
    if (given) return given;
    return StructField(n, inferPartitionType(files.map((f) => f.partitionValues[n] ?? null), timeZone));
  });
}

/**
 * Reads every file under `paths` (files, directories, globs) into batches,
 * one per file, with the partition columns found in `key=value` directories
 * appended. Without a schema it infers one as Spark does (csv: strings, or
 * types with inferSchema; json: from all records; parquet: the first file's footer).
 */
export async function readFiles(
  format: FileFormat,
  paths: readonly string[],
  options: OptionsIn,
  schema: StructType | undefined,
  ctx: ReadContext,
): Promise<{ schema: StructType; batches: RecordBatch[] }> {
  const o = toOptions(options);
  const files = await listInputFiles(paths, o);
  const partFields = partitionSchema(files, schema, ctx.timeZone);
  const partNames = new Set(partFields.map((f) => f.name.toLowerCase()));
  let dataSchema: StructType;
  if (schema) dataSchema = StructType(schema.fields.filter((f) => !partNames.has(f.name.toLowerCase())));
  else dataSchema = inferDataSchema(format, files, o, ctx.timeZone);
  if (dataSchema.fields.length === 0 && partFields.length === 0 && files.length === 0 && format !== 'text') {
    throw new AnalysisException('UNABLE_TO_INFER_SCHEMA',
      `Unable to infer schema for ${format.toUpperCase()} at ${paths.join(', ')}: no data files found. Pass a schema with .schema(...) or check the path.`);
  }
  const full = schema
    ? StructType([...schema.fields, ...partFields.filter((p) => !schema.fields.some((f) => f.name.toLowerCase() === p.name.toLowerCase()))])
    : StructType([...dataSchema.fields, ...partFields]);
  const out = ctx.columns === undefined ? full : StructType(ctx.columns.map((i) => full.fields[i]!));
  const batches: RecordBatch[] = [];
  for (const f of files) batches.push(await readFile(format, f, o, full, ctx));
  return { schema: out, batches: batches.length > 0 ? batches : [emptyBatch(out)] };
}

/**
 * How a file is read: the session time zone and, when the plan needs only some
 * of the schema's columns (the optimizer's ColumnPruning), their positions in
 * the schema, in output order.
 */
export interface ReadContext { readonly timeZone: string; readonly columns?: readonly number[] }

/**
 * True when reading only some columns of this format gives the same values in
 * them as reading all: parquet (column chunks are read by name), and json in
 * PERMISSIVE mode with no corrupt-record column (a record with a bad value in a
 * column not read would otherwise be corrupt, or dropped, or fail the read).
 * csv and text are parsed whole in any case.
 */
export function readsColumnSubset(format: FileFormat, options: OptionsIn, schema: StructType): boolean {
  if (format === 'parquet') return true;
  if (format !== 'json') return false;
  const o = toOptions(options);
  const corrupt = o.string('columnNameOfCorruptRecord', '_corrupt_record');
  return o.string('mode', 'PERMISSIVE').toUpperCase() === 'PERMISSIVE' && !schema.fields.some((f) => f.name === corrupt);
}

function readTextSync(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    throw new SpateError('FILE_READ_FAILED', `Could not read ${path}: ${(e as Error).message}.`, { cause: e });
  }
}

/**
 * The schema readFiles would produce, found synchronously: spark.read...csv()
 * returns a DataFrame whose columns are known at once, as in Spark (which
 * also reads the files to infer at that point).
 */
export function inferSchemaSync(format: FileFormat, paths: readonly string[], options: OptionsIn, ctx: { timeZone: string }): StructType {
  const o = toOptions(options);
  const files = listInputFilesSync(paths, o);
  const partFields = partitionSchema(files, undefined, ctx.timeZone);
  const dataSchema = inferDataSchema(format, files, o, ctx.timeZone);
  if (dataSchema.fields.length === 0 && partFields.length === 0 && format !== 'text') {
    throw new AnalysisException('UNABLE_TO_INFER_SCHEMA',
      `Unable to infer schema for ${format.toUpperCase()} at ${paths.join(', ')}: ${files.length === 0 ? 'no data files found' : 'the files hold no columns'}. Pass a schema with .schema(...) or check the path.`);
  }
  return StructType([...dataSchema.fields, ...partFields]);
}

function inferDataSchema(format: FileFormat, files: readonly InputFile[], o: SourceOptions, timeZone: string): StructType {
  switch (format) {
    case 'text': return TEXT_SCHEMA;
    case 'parquet': {
      if (files.length === 0) return StructType([]);
      const b = readFileSync(files[0]!.path);
      return parquetFileSchema(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    }
    case 'json': {
      const s = jsonReadSettings(o, timeZone);
      return inferJsonSchema(files.map((f) => readTextSync(f.path)), s);
    }
    case 'csv': {
      const s = csvReadSettings(o, timeZone);
      if (s.inferSchema) return inferCsvSchema(files.map((f) => readTextSync(f.path)), s);
      for (const f of files) {
        const first = firstCsvRecord(readTextSync(f.path), s);
        if (first) return StructType(csvColumnNames(first, s.header).map((n) => StructField(n, StringType)));
      }
      return StructType([]);
    }
  }
}

/**
 * Reads one file into a batch of `schema`: its data columns from the file,
 * and any column named in `file.partitionValues` filled with that value.
 * The streaming file source calls this per new file.
 */
export async function readFile(
  format: FileFormat,
  file: InputFile | string,
  options: OptionsIn,
  schema: StructType,
  ctx: ReadContext,
): Promise<RecordBatch> {
  const o = toOptions(options);
  const f: InputFile = typeof file === 'string' ? { path: file, size: 0, mtimeMs: 0, partitionValues: {} } : file;
  const partKeys = Object.keys(f.partitionValues);
  const isPart = (name: string) => partKeys.some((k) => k.toLowerCase() === name.toLowerCase());
  const wanted = ctx.columns === undefined ? schema.fields : ctx.columns.map((i) => schema.fields[i]!);
  const dataFields = schema.fields.filter((x) => !isPart(x.name));
  // A subset is read only by the formats that read by name (readsColumnSubset); at least one column, so records are still counted.
  let readFields = dataFields;
  if (ctx.columns !== undefined && (format === 'parquet' || format === 'json')) {
    const needed = dataFields.filter((x) => wanted.includes(x));
    readFields = needed.length > 0 || dataFields.length === 0 ? needed : [dataFields[0]!];
  }
  const data = await readDataFile(format, f.path, o, StructType(readFields), ctx.timeZone);
  const n = data.numRows;
  const columns: Vector[] = wanted.map((field) => {
    if (!isPart(field.name)) return data.columns[readFields.indexOf(field)]!;
    const key = partKeys.find((k) => k.toLowerCase() === field.name.toLowerCase())!;
    return constantVector(field.dataType, partitionValue(field.dataType, f.partitionValues[key]!, field.name, ctx.timeZone), n);
  });
  return makeBatch(ctx.columns === undefined ? schema : StructType(wanted), columns, n);
}

function partitionValue(t: DataType, raw: string, name: string, timeZone: string): unknown {
  if (raw === DEFAULT_PARTITION_NAME) return null;
  const v = textParser(t, { timeZone }, name)(raw);
  return v === BAD ? null : t.kind === 'boolean' ? v === 1 : v;
}

async function readDataFile(format: FileFormat, path: string, o: SourceOptions, schema: StructType, timeZone: string): Promise<RecordBatch> {
  switch (format) {
    case 'parquet': return readParquet(await readBuffer(path), path, schema);
    case 'json': return parseJson(await readText(path), path, schema, jsonReadSettings(o, timeZone));
    case 'csv': {
      const s = csvReadSettings(o, timeZone);
      const text = await readText(path);
      const corrupt = s.corruptColumn;
      let cols = schema.fields.filter((x) => x.name !== corrupt).map((x) => x.name);
      if (s.header) {
        const first = firstCsvRecord(text, s);
        if (first) cols = csvColumnNames(first, true);
      }
      return parseCsv(text, path, schema, cols, s);
    }
    case 'text': return readTextFile(await readText(path), schema, o);
  }
}

/** Spark's text source: one row per line (\n, \r\n or \r, or option lineSep), or one per file with wholetext. */
function readTextFile(text: string, schema: StructType, o: SourceOptions): RecordBatch {
  let lines: string[];
  if (o.bool('wholetext', false)) lines = [text];
  else {
    const sep = o.get('lineSep');
    lines = sep !== undefined && sep !== '' ? text.split(sep) : text.split(/\r\n|\r|\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  }
  const columns = schema.fields.map((f) => {
    if (f.dataType.kind !== 'string') {
      throw new AnalysisException('TEXT_READ_SCHEMA',
        `The text format reads one string column, but the schema gives '${f.name}' type ${f.dataType.kind}; use a string column (default name 'value').`);
    }
    return { type: f.dataType, length: lines.length, values: lines as unknown[], validity: null } satisfies Vector;
  });
  if (schema.fields.length > 1) {
    return makeBatch(schema, columns.map((c, i) => (i === 0 ? c : nullVector(StringType, lines.length))), lines.length);
  }
  return makeBatch(schema, columns, lines.length);
}
