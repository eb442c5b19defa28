import type { KnownOptions } from '../core/known-options.js';
import type { FileFormat } from './read.js';

/**
 * The options spate's file readers and writers read, per format, under
 * Spark's names (DataFrameReader/DataFrameWriter and the CSV/JSON/text
 * options pages). Aliases Spark accepts are listed too (`delimiter` for
 * `sep`, `charset` for `encoding`). Keep these beside the parsers: an option
 * read in csv-read.ts, json-read.ts, read.ts, list-files.ts or
 * text-formats-write.ts is listed here, or a user setting it gets a warning.
 */

/** Options of listing the input files (every format, batch and streaming). */
export const LISTING_OPTIONS: readonly string[] = ['path', 'recursiveFileLookup', 'basePath', 'pathGlobFilter'];

const TEXT_COMMON = ['encoding', 'charset', 'lineSep'];
const DATETIME = ['dateFormat', 'timestampFormat'];

const READ: Readonly<Record<FileFormat, readonly string[]>> = {
  csv: [
    ...TEXT_COMMON, ...DATETIME, 'header', 'inferSchema', 'sep', 'delimiter', 'quote', 'escape', 'comment', 'nullValue',
    'emptyValue', 'nanValue', 'positiveInf', 'negativeInf', 'multiLine', 'mode', 'columnNameOfCorruptRecord',
    'ignoreLeadingWhiteSpace', 'ignoreTrailingWhiteSpace', 'preferDate',
  ],
  json: [...TEXT_COMMON, ...DATETIME, 'primitivesAsString', 'multiLine', 'allowComments', 'mode', 'columnNameOfCorruptRecord'],
  text: [...TEXT_COMMON, 'wholetext'],
  parquet: [],
};

const WRITE: Readonly<Record<FileFormat, readonly string[]>> = {
  csv: [
    ...TEXT_COMMON, ...DATETIME, 'header', 'sep', 'delimiter', 'quote', 'escape', 'quoteAll', 'nullValue', 'emptyValue',
    'ignoreLeadingWhiteSpace', 'ignoreTrailingWhiteSpace',
  ],
  json: [...TEXT_COMMON, ...DATETIME, 'ignoreNullFields'],
  text: [...TEXT_COMMON],
  parquet: [],
};

const COMPRESSION = 'spate writes csv, json and text uncompressed and parquet with snappy';

/** The options `spark.read.format(format)` (and a file streaming source, with its own added) reads. */
export function fileReadOptions(format: FileFormat): KnownOptions {
  return { names: [...LISTING_OPTIONS, ...READ[format]] };
}

/** The options `df.write.format(format)` (and a file sink) reads. */
export function fileWriteOptions(format: FileFormat): KnownOptions {
  return { names: ['path', ...WRITE[format]], ignored: { compression: COMPRESSION, codec: COMPRESSION } };
}
