// The query's watermark (Spark's WatermarkTracker): per withWatermark node
// max event time minus its delay, 0 for a node that has seen no data yet,
// combined by the min (default) or max policy, never moving back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type StreamingQuery } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { WatermarkTracker, type MultipleWatermarkPolicy } from '../../src/stream/watermark-tracker.js';
import type { EventTimeStats } from '../../src/exec/stream-context.js';

const spark = SparkSession.builder.appName('watermark-tracker').getOrCreate();

/** Stats of a batch in which a node saw event times (seconds); undefined = no data. */
const seen = (...maxSeconds: (number | undefined)[]): EventTimeStats[] => maxSeconds.map((s) => (s === undefined
  ? { min: Infinity, max: -Infinity, sum: 0, count: 0 }
  : { min: s * 1e6, max: s * 1e6, sum: s * 1e6, count: 1 }));

const CASES: readonly { name: string; delaysMs: number[]; policy: MultipleWatermarkPolicy; batches: (number | undefined)[][]; expected: number[] }[] = [
  { name: 'one node: max - delay, never back', delaysMs: [10_000], policy: 'min', batches: [[30], [20], [45]], expected: [20_000, 20_000, 35_000] },
  { name: 'min: a silent node counts as 0', delaysMs: [10_000, 5_000], policy: 'min', batches: [[11, undefined], [undefined, 6], [undefined, 8], [21, undefined]], expected: [0, 1_000, 1_000, 3_000] },
  { name: 'max: a silent node does not hold it back', delaysMs: [10_000, 15_000], policy: 'max', batches: [[20, undefined], [undefined, 30], [150, undefined]], expected: [10_000, 15_000, 140_000] },
  { name: 'a node does not move back when its newer data is older', delaysMs: [0, 0], policy: 'min', batches: [[50, 40], [10, 45]], expected: [40_000, 45_000] },
  { name: 'no data anywhere: 0', delaysMs: [1_000], policy: 'min', batches: [[undefined], [undefined]], expected: [0, 0] },
];

for (const c of CASES) {
  test(`WatermarkTracker: ${c.name}`, () => {
    const w = new WatermarkTracker(c.delaysMs, c.policy);
    assert.deepEqual(c.batches.map((b) => w.update(seen(...b))), c.expected);
  });
}

test('WatermarkTracker: a recovered global watermark is kept; the nodes start again from no data', () => {
  const w = new WatermarkTracker([10_000, 5_000], 'min');
  w.set(185_000);
  assert.equal(w.update(seen(undefined, 200)), 185_000);
  assert.equal(w.update(seen(200, undefined)), 190_000);
});

// EventTimeWatermarkSuite, "watermark with 2 streams": the union of two watermarked streams, summed in
// complete mode; the global watermark is the min of the two, 0 until both sides have data.
test('EventTimeWatermarkSuite: watermark with 2 streams (min policy, restart)', async () => {
  const first = new MemoryStream(spark, 'value INT');
  const second = new MemoryStream(spark, 'value INT');
  const side = (s: MemoryStream, delay: string) => s.toDF()
    .withColumn('eventTime', F.timestamp_seconds(F.col('value'))).withWatermark('eventTime', delay).select('value');
  const df = side(first, '10 seconds').union(side(second, '5 seconds')).agg(F.sum('value'));
  const cp = mkdtempSync(join(tmpdir(), 'spate-two-watermarks-'));
  const start = (): StreamingQuery => df.writeStream.outputMode('complete').option('checkpointLocation', cp).foreachBatch(() => undefined).start();
  let query = start();
  /** Adds the data, runs it, then one more batch so the last progress shows the watermark the data made. */
  const watermarkAfter = async (firstData: number[], secondData: number[]): Promise<number> => {
    if (firstData.length > 0) first.addData(...firstData);
    if (secondData.length > 0) second.addData(...secondData);
    await query.processAllAvailable();
    first.addData(0);
    await query.processAllAvailable();
    return Date.parse(query.lastProgress!.eventTime.watermark!);
  };
  try {
    assert.equal(await watermarkAfter([11], []), 0, 'global watermark starts at 0 until both sides have data');
    assert.equal(await watermarkAfter([], [6]), 1000);
    assert.equal(await watermarkAfter([], [8]), 1000, 'stays at the left watermark when the right one moves');
    assert.equal(await watermarkAfter([21], []), 3000, 'switches to the right side');
    assert.equal(await watermarkAfter([], [17, 28, 39]), 11000, 'back to the left');
    assert.equal(await watermarkAfter([31], []), 21000);
    assert.equal(await watermarkAfter([41], []), 31000);
    assert.equal(await watermarkAfter([51], []), 34000, 'switches back to the right');
    assert.equal(await watermarkAfter([100], [100]), 90000, 'data on both sides at once');
    assert.equal(await watermarkAfter([120], [110]), 105000);
    assert.equal(await watermarkAfter([130], [125]), 120000);
    assert.equal(await watermarkAfter([100], [100]), 120000, 'does not move back');
    assert.equal(await watermarkAfter([140], [100]), 120000);
    assert.equal(await watermarkAfter([100], [135]), 130000);
    assert.equal(await watermarkAfter([200], [190]), 185000);
    await query.stop();
    query = start();
    assert.equal(await watermarkAfter([], []), 185000, 'the global watermark is recovered');
    assert.equal(await watermarkAfter([], [200]), 185000, 'the left side starts again from no data after a restart');
    assert.equal(await watermarkAfter([200], []), 190000);
  } finally {
    await query.stop();
  }
  assert.equal(query.exception(), null);
});
