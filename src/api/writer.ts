import { SpateError } from '../core/errors.js';
import { fileWriteOptions, writeFiles } from '../io/index.js';
import type { DataFrame } from './dataframe.js';
import type { FileFormat } from '../io/index.js';
import { batchFileFormat, checkUserOptions, putOptions, type OptionValue } from './options.js';
import { CONNECTOR_SINKS, type SinkProvider } from '../sinks/index.js';

export type SaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';
const MODES: readonly SaveMode[] = ['error', 'errorifexists', 'overwrite', 'append', 'ignore'];

/**
 * `df.write`: saves a DataFrame as files in Spark's layout (part files,
 * `_SUCCESS`, `key=value/` directories for partitionBy). Saving is async.
 */
export class DataFrameWriter {
  private fmt: FileFormat = 'parquet';
  private connector: SinkProvider | undefined;
  private saveMode: SaveMode = 'errorifexists';
  private readonly opts: Record<string, string> = {};
  private partitionCols: string[] = [];

  constructor(private readonly df: DataFrame) {}

  format(source: string): this {
    const c = CONNECTOR_SINKS.get(source.trim().toLowerCase());
    if (c?.writeBatch !== undefined) {
      this.connector = c;
      return this;
    }
    this.connector = undefined;
    this.fmt = batchFileFormat(source, 'df.write');
    return this;
  }
  /** error/errorifexists (default), overwrite, append or ignore. */
  mode(mode: string): this {
    const m = mode.toLowerCase() as SaveMode;
    if (!MODES.includes(m)) throw new SpateError('INVALID_SAVE_MODE', `Unknown save mode '${mode}'. Use one of: ${MODES.join(', ')}.`);
    this.saveMode = m;
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
  partitionBy(...cols: (string | readonly string[])[]): this {
    this.partitionCols = cols.flat() as string[];
    const names = this.df.columns.map((c) => c.toLowerCase());
    for (const c of this.partitionCols) {
      if (!names.includes(c.toLowerCase())) {
        throw new SpateError('COLUMN_NOT_FOUND', `partitionBy('${c}'): no such column. Available: ${this.df.columns.join(', ')}.`);
      }
    }
    return this;
  }

  async save(path?: string): Promise<void> {
    if (this.connector !== undefined) {
      const options: Record<string, string> = { ...this.opts, ...(path !== undefined ? { path } : {}) };
      const c = this.connector;
      checkUserOptions(this.df.sparkSession.conf, options, c.knownOptions && { names: ['path', ...c.knownOptions] }, `df.write.format('${c.format}')`);
      const b = await this.df.collectBatch();
      await this.connector.writeBatch!([b], { options, schema: b.schema, mode: this.saveMode, timeZone: this.df.sparkSession.timeZone() });
      return;
    }
    checkUserOptions(this.df.sparkSession.conf, this.opts, fileWriteOptions(this.fmt), `df.write.format('${this.fmt}')`);
    const target = path ?? this.opts.path;
    if (!target) throw new SpateError('PATH_REQUIRED', 'save() needs a path: df.write.format(...).save("out/dir").');
    const b = await this.df.collectBatch();
    await writeFiles(this.fmt, target, b.schema, [b], this.opts, this.saveMode, this.partitionCols, { timeZone: this.df.sparkSession.timeZone() });
  }
  async csv(path: string): Promise<void> { return this.format('csv').save(path); }
  async json(path: string): Promise<void> { return this.format('json').save(path); }
  async parquet(path: string): Promise<void> { return this.format('parquet').save(path); }
  async text(path: string): Promise<void> { return this.format('text').save(path); }
  /** Spark's `df.write.jdbc(url, table, properties)`: format('jdbc') with `url`, `dbtable` and the properties as options. */
  async jdbc(url: string, table: string, properties: Record<string, OptionValue> = {}): Promise<void> {
    return this.format('jdbc').options(properties).option('url', url).option('dbtable', table).save();
  }
}
