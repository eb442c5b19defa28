import { parseSchema } from '../core/ddl.js';
import { SpateError } from '../core/errors.js';
import type { StructType } from '../core/types.js';
import type { FileFormat } from '../io/index.js';
import { checkOptions, type KnownOptions } from '../core/known-options.js';
import type { RuntimeConfig } from './conf.js';
import { SETTINGS } from './settings.js';

/**
 * The option/format/schema plumbing spark.read, df.write, spark.readStream
 * and df.writeStream share: each keeps its options as a string record and
 * calls these from its own chainable methods.
 */

/** An option value as the API accepts it; Spark keeps every option as a string. */
export type OptionValue = string | number | boolean;

const FILE_FORMATS: readonly FileFormat[] = ['csv', 'json', 'text', 'parquet'];

/** Option values as Spark keeps them: strings (true → 'true'). */
export function optionString(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new SpateError('INVALID_OPTION', `Option '${key}' must be a string, number or boolean, got ${value === null ? 'null' : typeof value}.`);
}

/** Stores each of `more` into `opts` as a string, checking each value. */
export function putOptions(opts: Record<string, string>, more: Readonly<Record<string, OptionValue>>): void {
  for (const [k, v] of Object.entries(more)) opts[k] = optionString(k, v);
}

/** The batch file format `source` names (any case); `api` (e.g. 'spark.read') is named in the error. */
export function batchFileFormat(source: string, api: string): FileFormat {
  const f = source.toLowerCase() as FileFormat;
  if (!FILE_FORMATS.includes(f)) {
    throw new SpateError('UNSUPPORTED_FORMAT', `Data source '${source}' is not supported by ${api}; use one of ${FILE_FORMATS.join(', ')}.`);
  }
  return f;
}

/** A user schema given as a StructType or a DDL string ("name STRING, age INT"). */
export function userSchema(schema: StructType | string): StructType {
  return typeof schema === 'string' ? parseSchema(schema) : schema;
}

/**
 * Checks the user's options against what the format knows (undefined: not
 * declared, so left alone): an unknown one warns once naming the closest
 * known one, or fails under spark.sql.spate.strictOptions. `extra` are
 * options the API itself reads (checkpointLocation).
 */
export function checkUserOptions(conf: RuntimeConfig, options: Readonly<Record<string, string>>, known: KnownOptions | undefined, what: string, extra: readonly string[] = []): void {
  if (known === undefined) return;
  checkOptions(options, extra.length === 0 ? known : { ...known, names: [...known.names, ...extra] }, what, conf.value(SETTINGS.strictOptions));
}
