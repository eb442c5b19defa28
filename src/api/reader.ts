import { SpateError } from '../core/errors.js';
import { StringType, StructField, StructType } from '../core/types.js';
import { fileReadOptions, inferSchemaSync, type FileFormat } from '../io/index.js';
import { node } from '../plan/logical.js';
import { CONNECTOR_SOURCES, type SourceProvider } from '../sources/index.js';
import { safeOptions } from '../clients/redact.js';
import { DataFrame } from './dataframe.js';
import { batchFileFormat, checkUserOptions, putOptions, userSchema, type OptionValue } from './options.js';
import type { SparkSession } from './session.js';

export type { FileFormat } from '../io/index.js';
export { optionString } from './options.js';

/**
 * `spark.read`: loads files into a DataFrame, or reads a broker or database
 * (`format('kafka')`, `format('jdbc')`, ...) through its connector. Without a schema the files are
 * sampled now (as Spark does) to infer one: csv gives strings unless
 * inferSchema is set; json infers from every record.
 */
export class DataFrameReader {
  private fmt: FileFormat | undefined;
  private connector: SourceProvider | undefined;
  private readonly opts: Record<string, string> = {};
  private userSchema: StructType | undefined;

  constructor(private readonly session: SparkSession) {}

  format(source: string): this {
    const c = CONNECTOR_SOURCES.get(source.trim().toLowerCase());
    if (c?.readBatch !== undefined) {
      this.connector = c;
      this.fmt = undefined;
      return this;
    }
    this.connector = undefined;
    this.fmt = batchFileFormat(source, 'spark.read');
    return this;
  }
  option(key: string, value: OptionValue): this {
    putOptions(this.opts, { [key]: value });
    return this;
  }
  options(opts: Record<string, OptionValue>): this {
    putOptions(this.opts, opts);
    return this;
  }
  /** The schema as a StructType or a DDL string ("name STRING, age INT"). */
  schema(schema: StructType | string): this {
    this.userSchema = userSchema(schema);
    return this;
  }

  load(...paths: (string | readonly string[])[]): DataFrame {
    if (this.connector !== undefined) return this.loadConnector(this.connector, paths.flat() as string[]);
    const list = paths.flat() as string[];
    if (list.length === 0 && this.opts.path) list.push(this.opts.path);
    if (list.length === 0) throw new SpateError('PATH_REQUIRED', 'load() needs a path: spark.read.format(...).load("dir/or/file").');
    const format = this.fmt ?? 'parquet';
    checkUserOptions(this.session.conf, this.opts, fileReadOptions(format), `spark.read.format('${format}')`);
    const schema = this.userSchema ?? (format === 'text'
      ? StructType([StructField('value', StringType, true)])
      : inferSchemaSync(format, list, this.opts, { timeZone: this.session.timeZone() }));
    const df = new DataFrame(this.session, node({ kind: 'fileRelation', format, paths: list, options: { ...this.opts }, schema }));
    df.analyze();
    return df;
  }
  private loadConnector(c: SourceProvider, paths: string[]): DataFrame {
    const options: Record<string, string> = { ...this.opts };
    if (paths.length > 1) throw new SpateError('INVALID_OPTION', `format('${c.format}').load() takes at most one path, got ${paths.length}.`);
    if (paths.length === 1) options.path = paths[0]!;
    checkUserOptions(this.session.conf, options, c.knownOptions && { names: ['path', ...c.knownOptions] }, `spark.read.format('${c.format}')`);
    const timeZone = this.session.timeZone();
    const schema = c.schema(options, this.userSchema, timeZone, false);
    const shown = Object.entries(safeOptions(options)).map(([k, v]) => `${k}=${v}`).join(', ');
    const df = new DataFrame(this.session, node({
      kind: 'dataSourceRelation', format: c.format, description: `${c.format} [${shown}]`, schema,
      read: () => c.readBatch!({ options, schema, timeZone }),
    }));
    df.analyze();
    return df;
  }
  csv(...paths: (string | readonly string[])[]): DataFrame { return this.format('csv').load(...paths); }
  json(...paths: (string | readonly string[])[]): DataFrame { return this.format('json').load(...paths); }
  parquet(...paths: (string | readonly string[])[]): DataFrame { return this.format('parquet').load(...paths); }
  text(...paths: (string | readonly string[])[]): DataFrame { return this.format('text').load(...paths); }
  /**
   * Spark's `spark.read.jdbc(url, table, properties)` and the partitioned
   * `jdbc(url, table, columnName, lowerBound, upperBound, numPartitions, properties)`:
   * format('jdbc') with `url`, `dbtable` (and the partitioning) and the properties as options.
   */
  jdbc(url: string, table: string, properties?: Record<string, OptionValue>): DataFrame;
  jdbc(url: string, table: string, columnName: string, lowerBound: OptionValue, upperBound: OptionValue, numPartitions: number, properties?: Record<string, OptionValue>): DataFrame;
  jdbc(url: string, table: string, ...rest: unknown[]): DataFrame {
    const r = this.format('jdbc');
    if (typeof rest[0] === 'string') {
      const [columnName, lowerBound, upperBound, numPartitions, properties] = rest as [string, OptionValue, OptionValue, number, Record<string, OptionValue> | undefined];
      r.options(properties ?? {}).options({ partitionColumn: columnName, lowerBound, upperBound, numPartitions });
    } else r.options((rest[0] as Record<string, OptionValue> | undefined) ?? {});
    return r.option('url', url).option('dbtable', table).load();
  }
}
