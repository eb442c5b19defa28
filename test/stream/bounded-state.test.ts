// Issue 5's bounded-state proof: an endless stream with a 10 s watermark and
// 1 s windows keeps a fixed number of windows in state over 10,000 batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type StreamingQueryProgress } from '../../src/index.js';

const BATCHES = 10_000;

test('state stays bounded over 10,000 batches of an endless windowed stream', async () => {
  const spark = SparkSession.builder.getOrCreate();
  const dir = mkdtempSync(join(tmpdir(), 'spate-bounded-'));
  spark.conf.set('spark.sql.shuffle.partitions', '1');
  try {
    // rate-micro-batch: 20 rows per batch, event time advancing 1 s per batch, independent of the wall clock.
    const counts = spark.readStream.format('rate-micro-batch').option('rowsPerBatch', 20).option('advanceMillisPerBatch', 1000).load()
      .withWatermark('timestamp', '10 seconds')
      .groupBy(F.window('timestamp', '1 second'))
      .count();
    let maxRows = 0;
    let emitted = 0;
    const memory: number[] = [];
    const done = new Promise<void>((resolve) => {
      const listener = {
        onQueryProgress: ({ progress }: { progress: StreamingQueryProgress }) => {
          const op = progress.stateOperators[0]!;
          maxRows = Math.max(maxRows, op.numRowsTotal);
          emitted += progress.sink.numOutputRows;
          if (progress.batchId % 1000 === 999) memory.push(op.memoryUsedBytes);
          if (progress.batchId + 1 >= BATCHES) { spark.streams.removeListener(listener); resolve(); }
        },
      };
      spark.streams.addListener(listener);
    });
    const q = counts.writeStream.outputMode('append').format('noop').option('checkpointLocation', join(dir, 'cp')).start();
    await Promise.race([done, q.awaitTermination()]);
    await q.stop();
    assert.equal(q.exception(), null);
    // 1 s windows behind a 10 s watermark: at most about a dozen windows are ever open.
    assert.ok(maxRows <= 12, `state rows peaked at ${maxRows}`);
    // Every window older than the watermark was emitted once (append) and evicted.
    assert.ok(emitted >= BATCHES - 12, `emitted ${emitted} windows`);
    // Memory does not grow with the number of batches, and old checkpoint files are cleaned.
    assert.ok(memory[memory.length - 1]! <= 2 * memory[0]!, `state memory grew: ${memory.join(', ')}`);
    assert.ok(readdirSync(join(dir, 'cp', 'offsets')).length <= 200, 'old offsets files are purged');
  } finally {
    spark.conf.unset('spark.sql.shuffle.partitions');
    rmSync(dir, { recursive: true, force: true });
  }
});
