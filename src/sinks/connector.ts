import type { RecordBatch } from '../core/batch.js';
import type { StructType } from '../core/types.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/** df.write's save modes, as Spark's. */
export type BatchSaveMode = 'error' | 'errorifexists' | 'overwrite' | 'append' | 'ignore';

/** What a streaming connector sink is made with. */
export interface ConnectorSinkContext {
  readonly options: Readonly<Record<string, string>>;
  /** The query's output schema. */
  readonly schema: StructType;
  readonly outputMode: OutputMode;
  readonly queryName?: string;
  readonly timeZone: string;
}

/** What a batch write (`df.write.format(x).save()`) is given. */
export interface BatchWriteContext {
  readonly options: Readonly<Record<string, string>>;
  readonly schema: StructType;
  readonly mode: BatchSaveMode;
  readonly timeZone: string;
}

/**
 * A broker or database sink, known by its format name, registered in
 * `connectors.ts`. `create` makes the StreamSink of `writeStream.format(x)`
 * (its options are checked there, so a bad option fails at start());
 * `writeBatch` serves `df.write.format(x).save()`.
 */
export interface SinkProvider {
  readonly format: string;
  /** The options the connector reads; as SourceProvider.knownOptions (absent: options are not checked). */
  readonly knownOptions?: readonly string[];
  create?(ctx: ConnectorSinkContext): StreamSink;
  writeBatch?(batches: readonly RecordBatch[], ctx: BatchWriteContext): Promise<void>;
}
