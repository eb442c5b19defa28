import { existsSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { AnalysisException, SpateError } from '../core/errors.js';
import { StringType, StructField, StructType } from '../core/types.js';
import { globBase, hasGlob } from '../io/glob.js';
import { listInputFilesSync, type InputFile } from '../io/list-files.js';
import { inferSchemaSync, type FileFormat } from '../io/read.js';
import type { SourceOptions } from '../io/options.js';
import { inferPartitionType } from '../io/partitions.js';
import { boolOption, intOption, sourceOptions, timeStringMs } from './source-options.js';

/** The formats the streaming file source reads. */
export const FILE_SOURCE_FORMATS: readonly FileFormat[] = ['text', 'csv', 'json', 'parquet'];

/** The file source's own options (Spark's FileStreamOptions), validated. */
export interface FileStreamOptions {
  readonly path: string;
  readonly maxFilesPerTrigger: number | undefined;
  readonly latestFirst: boolean;
  /** Ms; Infinity when latestFirst and maxFilesPerTrigger are both set (Spark then ignores it). */
  readonly maxFileAgeMs: number;
  readonly fileNameOnly: boolean;
  readonly cleanSource: 'off' | 'archive' | 'delete';
  readonly sourceArchiveDir: string | undefined;
}

/** Parses and checks the file source's options; `format` names the source in messages. */
export function parseFileStreamOptions(format: string, o: SourceOptions): FileStreamOptions {
  const src = `${format} file`;
  const path = o.get('path');
  if (path === undefined || path === '') {
    throw new SpateError('MISSING_OPTION', `'path' is not specified for the ${format} streaming source: use readStream.${format}(path) or .option('path', dir).`);
  }
  const maxFilesPerTrigger = intOption(o, src, 'maxFilesPerTrigger', undefined, 1, 'a positive integer');
  const latestFirst = boolOption(o, src, 'latestFirst', false);
  const fileNameOnly = boolOption(o, src, 'fileNameOnly', false);
  const age = timeStringMs(o, src, 'maxFileAge', '7d', 'ms');
  const rawClean = (o.get('cleanSource') ?? 'off').trim().toLowerCase();
  if (rawClean !== 'off' && rawClean !== 'archive' && rawClean !== 'delete') {
    throw new SpateError('INVALID_OPTION', `Option 'cleanSource' must be one of 'off', 'archive', 'delete', got ${JSON.stringify(o.get('cleanSource'))} (${src} source).`);
  }
  const sourceArchiveDir = o.get('sourceArchiveDir');
  if (rawClean === 'archive') {
    if (sourceArchiveDir === undefined || sourceArchiveDir.trim() === '') {
      throw new SpateError('MISSING_OPTION', "Option 'sourceArchiveDir' must be set when 'cleanSource' is 'archive': add .option('sourceArchiveDir', dir) naming a directory outside the source path.");
    }
    checkArchiveDir(path, sourceArchiveDir);
  }
  return {
    path,
    maxFilesPerTrigger,
    latestFirst,
    // Spark: with latestFirst and a file limit, old files may be the ones still due, so the age limit is off.
    maxFileAgeMs: latestFirst && maxFilesPerTrigger !== undefined ? Infinity : age,
    fileNameOnly,
    cleanSource: rawClean,
    sourceArchiveDir,
  };
}

/** The directory a source path lists below: the directory itself, a glob's fixed prefix, or a file's parent. */
export function sourceBaseDir(path: string): string {
  if (hasGlob(path)) return globBase(path.split(nodePath.sep).join('/')).base;
  try {
    if (statSync(path).isDirectory()) return path;
  } catch { /* a missing path is reported elsewhere */ }
  return nodePath.dirname(path);
}

/** Refuses an archive directory inside the source path: archived files would be found and read again. */
function checkArchiveDir(sourcePath: string, archiveDir: string): void {
  const base = nodePath.resolve(sourceBaseDir(sourcePath));
  const arch = nodePath.resolve(archiveDir);
  const rel = nodePath.relative(base, arch);
  if (rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel))) {
    throw new SpateError('INVALID_OPTION',
      `Option 'sourceArchiveDir' (${archiveDir}) is inside the source path ${sourcePath}: archived files would be read again. Choose an archive directory outside ${base}.`);
  }
}

/**
 * The schema of a streaming file source, fixed when the DataFrame is
 * created (Spark's DataSource.sourceSchema): the user's schema, or with
 * `spark.sql.streaming.schemaInference` true one inferred from the files
 * there now; text always has `value: string`. Partition columns found in
 * the existing files' `key=value` directories are appended when the user
 * schema does not name them.
 */
export function fileSourceSchema(format: FileFormat, options: Readonly<Record<string, string>>, userSchema: StructType | undefined, timeZone: string): StructType {
  const o = sourceOptions(options);
  const { path } = parseFileStreamOptions(format, o);
  if (!hasGlob(path) && !existsSync(path)) {
    throw new AnalysisException('PATH_NOT_FOUND', `Path does not exist: ${path}. Create the directory before starting the stream (files may arrive later), or fix the path.`);
  }
  const inference = boolOption(o, 'file', 'spark.sql.streaming.schemaInference', false);
  if (userSchema === undefined && format !== 'text' && !inference) {
    throw new AnalysisException('STREAMING_SCHEMA_REQUIRED',
      'Schema must be specified when creating a streaming source DataFrame. If some files already exist in the directory, then depending on the file format ' +
      "you may be able to create a static DataFrame on that directory with 'spark.read.load(directory)' and infer schema from it. " +
      `Fix: call readStream.schema(...) before .${format}('${path}'), or set spark.sql.streaming.schemaInference to true to infer it from the files there now.`);
  }
  const files = listExisting(path, o);
  if (userSchema === undefined) {
    if (format === 'text' && !inference) return withPartitions(StructType([StructField('value', StringType)]), files, timeZone);
    if (files.length === 0 && format !== 'text') {
      throw new AnalysisException('UNABLE_TO_INFER_SCHEMA',
        `Unable to infer schema for ${format.toUpperCase()} at ${path}: no data files found, and spark.sql.streaming.schemaInference needs existing files. Pass a schema with readStream.schema(...).`);
    }
    return inferSchemaSync(format, [path], o, { timeZone });
  }
  return withPartitions(userSchema, files, timeZone);
}

function listExisting(path: string, o: SourceOptions): InputFile[] {
  try {
    return listInputFilesSync([path], o);
  } catch (e) {
    if (e instanceof SpateError && e.code === 'PATH_NOT_FOUND') return [];
    throw e;
  }
}

function withPartitions(schema: StructType, files: readonly InputFile[], timeZone: string): StructType {
  const names: string[] = [];
  for (const f of files) for (const k of Object.keys(f.partitionValues)) if (!names.includes(k)) names.push(k);
  const extra = names
    .filter((n) => !schema.fields.some((f) => f.name.toLowerCase() === n.toLowerCase()))
    .map((n) => StructField(n, inferPartitionType(files.map((f) => f.partitionValues[n] ?? null), timeZone)));
  return extra.length === 0 ? schema : StructType([...schema.fields, ...extra]);
}
