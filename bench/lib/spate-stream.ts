/**
 * Runs a spate streaming query over prepared micro-batches: a MemoryStream
 * fed one batch per trigger, checkpointing to a temp dir, triggers fired by
 * a manual clock as soon as the query is ready for the next one, then
 * triggers until the query is idle (so the no-data batch that flushes
 * append-mode windows runs too). Everything from start() to stop() is inside
 * the caller's timing; each batch's latency (trigger to progress) is returned.
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
    // Each batch is added when the query is ready for the next trigger, as if it had just arrived: the
    // query may still be committing the batches before (commits are pipelined). Then triggers go on until
    // the query is idle, so the no-data batch that flushes append-mode windows runs too; idle comes only
    // once every batch is committed.
    const fired: number[] = [];
    const before = q.progress.length;
    const idles = q.idles;
    for (const b of input) {
      await q.ready();
      stream.source.addData(b);
      fired.push(await q.fire());
    }
    for (;;) {
      await q.ready();
      if (q.idles > idles) break;
      fired.push(await q.fire());
    }
    const ran = q.progress.slice(before);
    ran.forEach((p, i) => {
      const expected = i < input.length ? input[i]!.numRows : 0;
      if (p.numInputRows !== expected) throw new Error(`batch ${p.batchId} read ${p.numInputRows} rows, expected ${expected}`);
      batchMs.push(q.arrived.get(p.batchId)! - fired[i]!);
      progress.push(p);
    });
  } finally {
    await q.stop();
  }
  return { batchMs, progress, ...(table !== undefined ? { table } : {}) };
}

/** The memory sink's rows as arrays of internal values. */
export async function tableRows(name: string): Promise<unknown[][]> {
  return spark.table(name).collectArrays();
}
