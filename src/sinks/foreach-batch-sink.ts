import type { RecordBatch } from '../core/batch.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/** The user's function behind `foreachBatch`: the batch's rows and its id (the deduplication key across restarts). */
export type ForeachBatchFunction = (batch: RecordBatch, batchId: number) => Promise<void> | void;

/**
 * Spark's ForeachBatchSink: calls the function once per micro-batch with the
 * batch's output and its id, and waits for it. An error it throws (or a
 * rejected promise) fails the batch, which stops the query. The function
 * sees a replayed batch again after a restart, with the same id: writing
 * idempotently by batch id is its job, as in Spark.
 */
export class ForeachBatchSink implements StreamSink {
  readonly description = 'ForeachBatchSink';

  constructor(private readonly fn: ForeachBatchFunction) {}

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    await this.fn(data, batchId);
  }
}
