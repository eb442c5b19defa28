import type { RecordBatch } from '../core/batch.js';
import type { OutputMode } from '../core/output-mode.js';

/**
 * A streaming sink. `addBatch` gets the rows a micro-batch produced under
 * the query's output mode (complete: the whole result table; update: the
 * changed rows; append: the new final rows). A sink must be idempotent by
 * batch id: after a crash the engine may hand it batch N again, and it must
 * not write batch N's rows twice (the file sink keeps a log of committed
 * batches; the memory sink skips a batch id it has already kept).
 */
export interface StreamSink {
  /** Short name for progress reports, e.g. `ConsoleSink`, `FileSink[out/]`. */
  readonly description: string;
  /**
   * Called once per run before the first addBatch, with the query's identity
   * (its id is stable across restarts of a checkpoint): sinks that commit
   * per (query, batch) in an external system key their commits by it.
   */
  open?(query: SinkQueryInfo): Promise<void>;
  addBatch(batchId: number, data: RecordBatch, outputMode: OutputMode): Promise<void>;
  /** Called once when the query stops (flush, close files). */
  stop?(): Promise<void>;
}

/** Who is writing: handed to StreamSink.open. */
export interface SinkQueryInfo {
  /** The query id from the checkpoint's metadata: the same on every restart. */
  readonly id: string;
  /** This run's id. */
  readonly runId: string;
  readonly name: string | null;
  readonly checkpointDir: string;
}
