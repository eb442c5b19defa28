import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import type { SourceContext, StreamSource } from './source.js';

/** What a batch read (`spark.read.format(x).load()`) of a connector is given. */
export interface BatchReadContext {
  readonly options: Readonly<Record<string, string>>;
  /** The schema `schema()` returned for these options (or the user's). */
  readonly schema: StructType;
  readonly timeZone: string;
}

/**
 * A broker or database source, known by its format name (`kafka`, `redis`,
 * ...). One object per connector, registered in `connectors.ts`: the engine
 * asks it for the schema when the DataFrame is made (so a bad option fails
 * at load(), as in Spark), for a StreamSource when a query starts, and, where
 * the system supports it, for a bounded read by `spark.read`.
 */
export interface SourceProvider {
  /** The format name as users write it, lower case. */
  readonly format: string;
  /** True when `readStream.format(format)` is supported (false for batch-only connectors such as jdbc). */
  readonly streaming: boolean;
  /**
   * The options the connector reads, under their Spark names. When given, an
   * option not in the list warns once naming the closest one (and fails under
   * spark.sql.spate.strictOptions); when absent, options are not checked.
   */
  readonly knownOptions?: readonly string[];
  /**
   * Validates the options and returns the schema the DataFrame has
   * (Spark's sourceSchema); `userSchema` is readStream.schema(...), when given;
   * `streaming` tells readStream (true or absent) from spark.read (false), whose checks differ.
   * Synchronous: it runs inside load().
   */
  schema(options: Readonly<Record<string, string>>, userSchema: StructType | undefined, timeZone: string, streaming?: boolean): StructType;
  /** Makes the source for one run of a streaming query. */
  create?(ctx: SourceContext): StreamSource;
  /** `spark.read.format(format).load()`: reads the bounded data when the DataFrame is executed. */
  readBatch?(ctx: BatchReadContext): Promise<RecordBatch[]>;
}
