// Progress rates as Spark's ProgressReporter computes them: inputRowsPerSecond divides a batch's input
// rows by the time since the previous trigger started (trigger clock); processedRowsPerSecond divides
// them by the batch's own duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession } from '../../src/index.js';
import { ManualClock, MemoryStream } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('progress').getOrCreate();

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 5000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), `timed out waiting until ${what}`);
}

test('inputRowsPerSecond = input rows / time since the previous trigger started; processedRowsPerSecond = rows / batch duration', async () => {
  const clock = new ManualClock(0);
  const input = new MemoryStream(spark, 'v INT');
  const q = input.toDF().writeStream.trigger({ processingTime: '1 second' }).withClock(clock).foreachBatch(() => undefined).start();
  try {
    // The first trigger (t = 0) finds nothing; the loop waits for t = 1000.
    await until(() => clock.isWaiting(), 'the query waits for its next trigger');
    input.addData(...Array.from({ length: 500 }, (_, i) => i));
    clock.advance(1000);
    await until(() => q.recentProgress.length === 1, 'the first batch reports progress');
    const p1 = q.lastProgress!;
    assert.equal(p1.numInputRows, 500);
    assert.equal(p1.inputRowsPerSecond, 500, '500 rows over the second since the trigger at t = 0');
    assert.equal(p1.sources[0]!.inputRowsPerSecond, 500);
    assert.ok(p1.processedRowsPerSecond > 0);
    assert.equal(p1.sources[0]!.processedRowsPerSecond, p1.processedRowsPerSecond);

    await until(() => clock.isWaiting(), 'the query waits for the trigger at t = 2000');
    input.addData(...Array.from({ length: 300 }, (_, i) => i));
    // The trigger due at 2000 runs at 3000 (the clock jumped): 300 rows over the 2 s since t = 1000.
    clock.advance(2000);
    await until(() => q.recentProgress.length === 2, 'the second batch reports progress');
    assert.equal(q.lastProgress!.inputRowsPerSecond, 150);
  } finally {
    await q.stop();
  }
  assert.equal(q.exception(), null);
});

test('durationMs times each phase on its own: execution apart from addBatch (the sink), commitOffsets (the commit log)', async () => {
  const input = new MemoryStream(spark, 'v INT');
  const q = input.toDF().groupBy('v').count().writeStream.outputMode('complete').foreachBatch(() => undefined).start();
  try {
    input.addData(1, 2, 2);
    await q.processAllAvailable();
    const d = q.lastProgress!.durationMs;
    assert.deepEqual(Object.keys(d).sort(), ['addBatch', 'commitOffsets', 'execution', 'getBatch', 'latestOffset', 'triggerExecution', 'walCommit']);
    for (const [k, v] of Object.entries(d)) assert.ok(Number.isInteger(v) && v >= 0, `${k} = ${v}`);
  } finally {
    await q.stop();
  }
});
