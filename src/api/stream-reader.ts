import type { StructType } from '../core/types.js';
import { node } from '../plan/logical.js';
import { createSource, sourceKnownOptions, streamSourceSchema } from '../sources/index.js';
import type { SourceContext, StreamSource } from '../sources/source.js';
import type { DataFrame } from './dataframe.js';
import { checkUserOptions, putOptions, userSchema, type OptionValue } from './options.js';
import type { SparkSession } from './session.js';
import { SETTINGS } from './settings.js';

/**
 * `spark.readStream`: a streaming DataFrame over a source (`socket`, `rate`,
 * `rate-micro-batch`, or files: `text`, `csv`, `json`, `parquet`). Nothing is
 * read until a query over it starts.
 */
export class DataStreamReader {
  private fmt = 'parquet';
  private readonly opts: Record<string, string> = {};
  private userSchema: StructType | undefined;

  constructor(private readonly session: SparkSession) {}

  format(source: string): this {
    this.fmt = source.toLowerCase();
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
  /** The schema as a StructType or a DDL string; required for file sources unless spark.sql.streaming.schemaInference is true. */
  schema(schema: StructType | string): this {
    this.userSchema = userSchema(schema);
    return this;
  }

  load(path?: string): DataFrame {
    const options: Record<string, string> = { ...this.opts };
    if (path !== undefined) options.path = path;
    const format = this.fmt;
    checkUserOptions(this.session.conf, options, sourceKnownOptions(format), `the ${format} source`);
    const inference = String(this.session.conf.value(SETTINGS.schemaInference));
    const sourceOptions: Record<string, string> = { ...options, [SETTINGS.schemaInference.key]: inference };
    // Known before any data is read, as in Spark: fixed for rate/socket, the user's (or inferred) for files.
    const schema = streamSourceSchema(format, sourceOptions, this.userSchema, this.session.timeZone());
    const create = (ctx: SourceContext): StreamSource => createSource(format, { ...ctx, schema });
    const plan = node({ kind: 'streamingRelation', schema, source: { format, options: sourceOptions, create } });
    return this.session.fromPlan(plan);
  }
  text(path: string): DataFrame { return this.format('text').load(path); }
  csv(path: string): DataFrame { return this.format('csv').load(path); }
  json(path: string): DataFrame { return this.format('json').load(path); }
  parquet(path: string): DataFrame { return this.format('parquet').load(path); }
}
