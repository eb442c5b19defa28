// Where a watermark may be defined, and where it flows: cases from Spark's
// EventTimeWatermarkSuite, and union keeping its inputs' watermark metadata
// (Spark's Union.output keeps the first input's column metadata).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream, testStream, addData, checkAnswer, checkNewAnswer, assertOnQuery } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('watermark-rules').getOrCreate();
const { col } = F;

// EventTimeWatermarkSuite, "overriding watermark should not be allowed by default".
test('EventTimeWatermarkSuite: overriding watermark should not be allowed', () => {
  const input = new MemoryStream(spark, '_1 LONG, _2 LONG');
  const df = input.toDF()
    .withColumn('first', F.timestamp_seconds(col('_1')))
    .withColumn('second', F.timestamp_seconds(col('_2')))
    .withWatermark('first', '1 minute')
    .select('*')
    .withWatermark('second', '2 minutes')
    .groupBy(F.window('second', '1 minute'))
    .count();
  assert.throws(() => df.writeStream.outputMode('append').format('console').start(),
    (e: Error) => e.message.includes('Redefining watermark is disallowed.') && e.message.includes("withWatermark('second', ...)") && e.message.includes("withWatermark('first', ...)"));
});

test('a redefined watermark fails a stateless streaming query too; a batch query ignores watermarks', async () => {
  const input = new MemoryStream(spark, 'ts TIMESTAMP');
  const twice = input.toDF().withWatermark('ts', '1 minute').withColumn('t2', col('ts')).withWatermark('t2', '2 minutes');
  assert.throws(() => twice.writeStream.format('console').start(), /Redefining watermark is disallowed/);
  const batch = spark.createDataFrame([[new Date(0)]], 'ts TIMESTAMP')
    .withWatermark('ts', '1 minute').withColumn('t2', col('ts')).withWatermark('t2', '2 minutes');
  assert.equal((await batch.collect()).length, 1);
});

const t = (s: number) => new Date(s * 1000);

test('dropDuplicates over a union of watermarked streams drops late rows and evicts state', async () => {
  const a = new MemoryStream(spark, 'k STRING, ts TIMESTAMP');
  const b = new MemoryStream(spark, 'k STRING, ts TIMESTAMP');
  const df = a.toDF().withWatermark('ts', '10 seconds').union(b.toDF().withWatermark('ts', '10 seconds')).dropDuplicates(['k', 'ts']);
  await testStream(df, 'append', [
    addData(a, ['x', t(20)]),
    addData(b, ['y', t(40)]),
    checkAnswer(['x', t(20)], ['y', t(40)]),
    // Watermark min(20 - 10, 40 - 10) = 10 s: 'x' at 20 s stays, nothing is evicted yet.
    addData(a, ['x', t(20)], ['z', t(45)]),
    addData(b, ['y', t(50)]),
    checkNewAnswer(['z', t(45)], ['y', t(50)]),
    // Watermark min(45 - 10, 50 - 10) = 35 s: the 20 s key is evicted; a row at 30 s is late and dropped.
    addData(a, ['w', t(30)], ['v', t(60)]),
    checkNewAnswer(['v', t(60)]),
    assertOnQuery((q) => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators[0]!.numRowsDroppedByWatermark === 1, 'the 30 s row is late'),
    // Then min(60 - 10, 50 - 10) = 40 s evicts y@40 too.
    assertOnQuery((q) => q.lastProgress!.stateOperators[0]!.numRowsTotal === 3, 'keys at or below 40 s were evicted: z@45, y@50, v@60 remain'),
  ]);
});

test('groupBy(window(...)) over a union of watermarked streams runs in append mode', async () => {
  const a = new MemoryStream(spark, 'ts TIMESTAMP');
  const b = new MemoryStream(spark, 'ts TIMESTAMP');
  const df = a.toDF().withWatermark('ts', '0 seconds').union(b.toDF().withWatermark('ts', '0 seconds'))
    .groupBy(F.window('ts', '10 seconds')).count()
    .select(col('window').getField('start').cast('long').alias('start'), col('count'));
  await testStream(df, 'append', [
    addData(a, t(1), t(2)),
    addData(b, t(3)),
    checkAnswer(),
    // Both sides pass 10 s: the [0, 10) window is final.
    addData(a, t(11)),
    addData(b, t(12)),
    checkNewAnswer([0, 3]),
  ]);
});
