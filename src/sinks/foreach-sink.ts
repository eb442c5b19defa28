import type { RecordBatch } from '../core/batch.js';
import type { Row } from '../core/row.js';
import { toExternal } from '../core/row.js';
import { getValue } from '../core/vector.js';
import type { OutputMode } from '../core/output-mode.js';
import type { StreamSink } from './sink.js';

/**
 * Spark's ForeachWriter: per partition and epoch (batch id), `open` is called
 * first; when it returns true every row of the partition goes to `process`;
 * `close` is called last with the error that stopped processing, or null.
 * `open` returning false skips the rows (for example because this epoch was
 * already written: the (partitionId, epochId) pair is the deduplication key).
 */
export interface ForeachWriter<T = Row> {
  open(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: T): void | Promise<void>;
  close(error: Error | null): void | Promise<void>;
}

/**
 * The `foreach` sink: hands each row of every batch, as a plain object
 * (`{ column: value }`, Date for dates and timestamps), to a ForeachWriter.
 * spate runs a batch as one partition, so `partitionId` is always 0.
 *
 * Error handling follows Spark's ForeachDataWriter: if `open` throws, the
 * batch fails and `close` is not called; if `process` throws, `close(error)`
 * is called and the batch fails with the process error; otherwise
 * `close(null)` is called and an error it throws fails the batch.
 */
export class ForeachSink implements StreamSink {
  readonly description = 'ForeachSink';

  constructor(private readonly writer: ForeachWriter<Row>) {}

  async addBatch(batchId: number, data: RecordBatch, _outputMode: OutputMode): Promise<void> {
    const w = this.writer;
    const opened = await w.open(0, batchId);
    if (!opened) {
      await w.close(null);
      return;
    }
    const fields = data.schema.fields;
    const columns = data.columns;
    try {
      for (let i = 0; i < data.numRows; i++) {
        // One object per row is the API's contract: the writer keeps or forwards it.
        const row: Row = {};
        for (let c = 0; c < fields.length; c++) {
          const f = fields[c]!;
          row[f.name] = toExternal(f.dataType, getValue(columns[c]!, i));
        }
        const r = w.process(row);
        if (r instanceof Promise) await r;
      }
    } catch (e) {
      try { await w.close(e instanceof Error ? e : new Error(String(e))); } catch { /* the process error is the one to report */ }
      throw e;
    }
    await w.close(null);
  }
}
