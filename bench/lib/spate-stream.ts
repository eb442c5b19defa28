/**
 * Runs a spate streaming query over prepared micro-batches: a MemoryStream
 * fed one batch per trigger, checkpointing to a temp dir, triggers fired by
 * a manual clock, then triggers until the query is idle (so the no-data
 * batch that flushes append-mode windows runs too). Everything from start()
 * to stop() is inside the caller's timing; each batch's latency is returned.
 */
import type { DataFrame } from '../../src/index.js';
import type { RecordBatch } from '../../src/core/batch.js';
import type { StructType } from '../../src/core/types.js';
import type { StreamingQueryProgress } from '../../src/stream/progress.js';
import { MemoryStream } from '../../src/testing/index.js';
import { ClockedQuery, type ClockedOptions } from './clocked-query.js';
import { spark, tableName, tempDir } from './spate-env.js';

export interface StreamRun {
  readonly batchMs: number[];
  /** Progress of every batch that ran, in order. */
  readonly progress: StreamingQueryProgress[];
  /** The memory sink's table name, if the sink is memory. */
  readonly table?: string;
}

export async function runStream(
  s: StructType,
  input: readonly RecordBatch[],
  build: (df: DataFrame) => DataFrame,
  o: { mode: ClockedOptions['mode']; format: ClockedOptions['format']; foreachBatch?: ClockedOptions['foreachBatch']; checkpoint?: string },
): Promise<StreamRun> {
  const stream = new MemoryStream(spark, s);
  const table = o.format === 'memory' ? tableName('bench_out') : undefined;
  const q = new ClockedQuery(spark, build(stream.toDF()), {
    mode: o.mode, format: o.format, checkpoint: o.checkpoint ?? tempDir('ckpt'),
    ...(table !== undefined ? { name: table } : {}),
    ...(o.foreachBatch ? { foreachBatch: o.foreachBatch } : {}),
  });
  const batchMs: number[] = [];
  const progress: StreamingQueryProgress[] = [];
  try {
    const first = await q.trigger();
    if (first.event.kind !== 'idle') throw new Error('the first trigger, before any data, should find nothing');
    for (const b of input) {
      stream.source.addData(b);
      const t = await q.trigger();
      if (t.event.kind !== 'progress') throw new Error('a trigger with new data should run a batch');
      batchMs.push(t.ms);
      progress.push(t.event.progress);
    }
    for (;;) {
      const t = await q.trigger();
      if (t.event.kind === 'idle') break;
      batchMs.push(t.ms);
      progress.push(t.event.progress);
    }
  } finally {
    await q.stop();
  }
  return { batchMs, progress, ...(table !== undefined ? { table } : {}) };
}

/** The memory sink's rows as arrays of internal values. */
export async function tableRows(name: string): Promise<unknown[][]> {
  return spark.table(name).collectArrays();
}
