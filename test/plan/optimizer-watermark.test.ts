// The optimizer keeps what the watermark needs through every node (issue 13 item 3): column pruning moves the
// event-time column (the watermark node follows it), filters move into a union's inputs but never below a
// watermark, and streaming queries give the same answers as Spark's (cases in the style of
// EventTimeWatermarkSuite, sql/core/src/test/scala/org/apache/spark/sql/streaming/EventTimeWatermarkSuite.scala).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functions as F } from '../../src/index.js';
import { MemoryStream, testStream, addData, checkAnswer, checkNewAnswer, assertOnQuery } from '../../src/testing/index.js';
import { planIncremental } from '../../src/plan/streaming.js';
import { optimizedWith, spark, tree } from './optimizer-support.js';

const { col } = F;
const t = (s: number) => new Date(s * 1000);

test('pruning columns before the watermark moves its column; windows close as the watermark passes (EventTimeWatermarkSuite "append mode")', async () => {
  const input = new MemoryStream(spark, 'id LONG, note STRING, ts TIMESTAMP, v LONG');
  const df = input.toDF().select('note', 'ts', 'v').withWatermark('ts', '10 seconds')
    .groupBy(F.window('ts', '5 seconds')).agg(F.sum('v').alias('s'))
    .select(col('window').getField('start').cast('long').alias('start'), col('s'));
  const optimized = optimizedWith(df);
  const lines = tree(optimized);
  assert.ok(lines.some((l) => /EventTimeWatermark ts, 10000 ms/.test(l)));
  assert.ok(lines.some((l) => /\*Project \[ts, v\]/.test(l)), `note is not read: ${lines.join('\n')}`);
  const watermark = (function find(p): { column: number } & object {
    if (p.kind === 'watermark') return p;
    return find((p as { child: typeof p }).child);
  })(planIncremental(optimized).plan);
  assert.equal(watermark.column, 0, 'ts is column 0 once note is pruned');
  await testStream(df, 'append', [
    addData(input, [1, 'a', t(10), 1], [2, 'b', t(11), 2], [3, 'c', t(12), 3]),
    checkAnswer(),
    // Max event time 25 s - 10 s = 15 s: the [10, 15) window is final.
    addData(input, [4, 'd', t(25), 4]),
    checkNewAnswer([10, 6]),
    // A row in the closed window is late: dropped.
    addData(input, [5, 'e', t(11), 100], [6, 'f', t(26), 5]),
    checkNewAnswer(),
    assertOnQuery((q) => q.lastProgress!.eventTime.watermark === new Date(16_000).toISOString(), 'the watermark is 26 s - 10 s'),
  ]);
});

test('a filter over a union of watermarked streams moves into each input; dropDuplicates still evicts and drops late rows', async () => {
  const a = new MemoryStream(spark, 'k STRING, ts TIMESTAMP, n INT');
  const b = new MemoryStream(spark, 'k STRING, ts TIMESTAMP, n INT');
  const df = a.toDF().withWatermark('ts', '10 seconds').union(b.toDF().withWatermark('ts', '10 seconds'))
    .where('n > 0').select('k', 'ts').dropDuplicates(['k', 'ts']);
  const lines = tree(optimizedWith(df));
  assert.ok(lines.every((l, i) => !/Filter/.test(l) || /EventTimeWatermark/.test(lines[i + 1] ?? '')), `each filter sits right above its input's watermark:\n${lines.join('\n')}`);
  assert.equal(lines.filter((l) => /Filter \(n > 0\)/.test(l)).length, 2);
  await testStream(df, 'append', [
    addData(a, ['x', t(20), 1], ['q', t(21), 0]),
    addData(b, ['y', t(40), 1]),
    checkAnswer(['x', t(20)], ['y', t(40)]),
    addData(a, ['x', t(20), 1], ['z', t(45), 1]),
    addData(b, ['y', t(50), 1]),
    checkNewAnswer(['z', t(45)], ['y', t(50)]),
    // Watermark min(45, 50) - 10 = 35 s: a row at 30 s is late.
    addData(a, ['w', t(30), 1], ['v', t(60), 1]),
    checkNewAnswer(['v', t(60)]),
    assertOnQuery((q) => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]!.numRowsDroppedByWatermark === 1, 'the 30 s row is late'),
  ]);
});

test('explain(true) of a streaming query shows the optimized plan before incremental planning', async () => {
  const input = new MemoryStream(spark, 'k STRING, ts TIMESTAMP, v INT');
  const q = input.toDF().select('k', 'ts').withWatermark('ts', '1 minute').groupBy('k').count()
    .writeStream.outputMode('update').format('memory').queryName('optimizer_explain').start();
  try {
    const text = q.explainString(true);
    const optimized = text.split('== Optimized Logical Plan ==\n')[1]!.split('\n\n')[0]!;
    assert.match(optimized, /^HashAggregate\(keys=\[k\]/);
    assert.match(optimized, /\*Project \[k, ts\]/);
    assert.match(text.split('== Physical Plan ==\n')[1]!, /StatefulAggregate|StateStoreSave/);
  } finally { await q.stop(); }
});
