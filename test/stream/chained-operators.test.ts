// Chained stateful operators (Spark 3.5+): known answers from Spark's
// MultiStatefulOperatorsSuite, batch by batch. Each operator drops rows that
// are late by the previous batch's watermark and evicts state by the current
// one, so rows an upstream operator emits are on time for the next.
// Progress lists operators top-down, as Spark does: index 0 is the one
// nearest the sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream, testStream, addData, checkAnswer, checkNewAnswer, assertOnQuery, stopStream, startStream, type StreamAction } from '../../src/testing/index.js';
import type { StreamingQuery } from '../../src/stream/streaming-query.js';

const spark = SparkSession.builder.appName('chained-operators').getOrCreate();
const { col } = F;

const stateRows = (...expected: number[]): StreamAction => assertOnQuery(
  (q: StreamingQuery) => sameList(q.lastProgress!.stateOperators.map((s) => s.numRowsTotal), expected),
  `state rows per operator (top-down) = ${JSON.stringify(expected)}`);
/** Spark's assertNumRowsDroppedByWatermark: the last batch that had input (not a no-data batch after it). */
const dropped = (...expected: number[]): StreamAction => assertOnQuery(
  (q: StreamingQuery) => sameList(q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.stateOperators.map((s) => s.numRowsDroppedByWatermark), expected),
  `rows dropped by watermark per operator (top-down) = ${JSON.stringify(expected)}`);
const sameList = (a: readonly number[], b: readonly number[]) => JSON.stringify(a) === JSON.stringify(b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function events(input: MemoryStream, delay: string) {
  return input.toDF().withColumn('eventTime', F.timestamp_seconds(col('value'))).withWatermark('eventTime', delay);
}
const startSecond = (c: string) => col(c).getField('start').cast('long');

test('window agg -> window agg over the window column, append mode', async () => {
  const input = new MemoryStream(spark, 'value INT');
  const df = events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    // A window column as the time means its window_time: [10, 15) and [15, 20) both fall in [10, 20).
    .groupBy(F.window('window', '10 seconds')).agg(F.count('*').alias('count'), F.sum('count').alias('sum'))
    .select(startSecond('window'), col('count'), col('sum'));
  await testStream(df, 'append', [
    // op1 keeps [10,15) 5, [15,20) 5, [20,25) 2; the no-data batch (watermark 21) emits the first two, which op2
    // aggregates into [10,20) and emits at once (20 <= 21).
    addData(input, ...range(10, 21)),
    checkNewAnswer([10, 2, 10]),
    stateRows(0, 1),
    dropped(0, 0),
    // [10,15) and [15,20) are behind the watermark (21): op1 drops those rows (10 input rows), counted as Spark
    // counts them, after the partial aggregation: one per late window.
    addData(input, ...range(10, 29)),
    checkNewAnswer(),
    stateRows(1, 1),
    dropped(0, 2),
    addData(input, 30, 31),
    checkNewAnswer([20, 2, 12]),
    stateRows(0, 1),
    dropped(0, 0),
  ]);
});

test('agg -> agg -> agg on window_time, append mode', async () => {
  const input = new MemoryStream(spark, 'value INT');
  const df = events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .groupBy(F.window(F.window_time('window'), '10 seconds')).agg(F.count('*').alias('count'), F.sum('count').alias('sum'))
    .groupBy(F.window(F.window_time('window'), '20 seconds')).agg(F.count('*').alias('count'), F.sum('sum').alias('sum'))
    .select(startSecond('window'), col('window').getField('end').cast('long'), col('count'), col('sum'));
  await testStream(df, 'append', [
    addData(input, ...range(0, 37)),
    checkNewAnswer([0, 20, 2, 20]),
    stateRows(1, 1, 1),
    dropped(0, 0, 0),
    // Watermark 37: 30..34 are late for op1 (their window ends at 35); 35..37 still count.
    addData(input, ...range(30, 60)),
    checkNewAnswer([20, 40, 2, 23], [40, 60, 2, 20]),
    stateRows(0, 0, 1),
    dropped(0, 0, 1),
  ]);
});

test('dropDuplicates on an event-time key -> window aggregation, append mode', async () => {
  const input = new MemoryStream(spark, 'value INT');
  const df = events(input, '10 seconds')
    .dropDuplicates(['value', 'eventTime'])
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'), F.sum('value').alias('sum'))
    .select(startSecond('window'), col('count'));
  await testStream(df, 'append', [
    addData(input, ...range(1, 15)),
    // Watermark 15 - 10 = 5: the no-data batch evicts dedup keys 1..5 and emits [0, 5).
    checkNewAnswer([0, 4]),
    stateRows(3, 10),
    dropped(0, 0),
    // Duplicates of kept keys are dropped by dedup; 20 opens a new window.
    addData(input, 6, 7, 20),
    checkNewAnswer([5, 5]),
    stateRows(3, 6),
  ]);
});

test('window aggregation -> dropDuplicates, with and without event time in the key', async () => {
  const input = new MemoryStream(spark, 'value INT');
  const agg = () => events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .withColumn('windowEnd', F.expr('window.end'));
  // Without event time in the dedup key its state is never trimmed.
  await testStream(agg().dropDuplicates(['count', 'windowEnd']).select(col('windowEnd').cast('long'), col('count')), 'append', [
    addData(input, 1, 5, 10, 15),
    checkNewAnswer([5, 1], [10, 1], [15, 1]),
    stateRows(3, 1),
    dropped(0, 0),
  ]);
  // window_time keeps the watermark, so the dedup key has event time and its state is evicted at once.
  const input2 = new MemoryStream(spark, 'value INT');
  const withTime = events(input2, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .withColumn('windowEnd', F.expr('window.end'))
    .withColumn('windowTime', F.expr('window_time(window)'))
    .withColumn('windowTimeMicros', F.expr('unix_micros(windowTime)'))
    .dropDuplicates(['count', 'windowEnd', 'windowTime'])
    .select(col('windowEnd').cast('long'), col('windowTimeMicros'), col('count'));
  await testStream(withTime, 'append', [
    addData(input2, 1, 5, 10, 15),
    checkNewAnswer([5, 4_999_999, 1], [10, 9_999_999, 1], [15, 14_999_999, 1]),
    stateRows(0, 1),
  ]);
});

test('a chain keeps its answer across restarts after every step', async () => {
  const steps = [range(0, 37), range(30, 60), [61, 75], [100]];
  const build = (input: MemoryStream) => events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .groupBy(F.window('window', '20 seconds')).agg(F.sum('count').alias('sum'))
    .select(startSecond('window'), col('sum'));
  // 30..34 are late in the second step (their 5 s window ended at 35 <= 37); 35..39 count, so [20, 40) sums 23.
  const expected = [[0, 20], [20, 23], [40, 20], [60, 3]];
  const settle = assertOnQuery(async (q) => { await q.processAllAvailable(); return true; }, 'settle');
  for (let k = 1; k < steps.length; k++) {
    const input = new MemoryStream(spark, 'value INT');
    const actions: StreamAction[] = steps.flatMap((s): StreamAction[] => [addData(input, ...s), settle]);
    actions.splice(k * 2, 0, stopStream(), startStream());
    await testStream(build(input), 'append', [...actions, checkAnswer(...expected)]);
  }
});

test('update and complete mode reject an operator after an aggregation; append accepts it', () => {
  const input = new MemoryStream(spark, 'value INT');
  const twice = events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .groupBy(F.window('window', '10 seconds')).count();
  for (const mode of ['update', 'complete'] as const) {
    assert.throws(() => twice.writeStream.format('noop').outputMode(mode).option('checkpointLocation', '/tmp/never-used-spate').start(),
      (e: Error) => /only supported in append output mode/.test(e.message) && e.message.includes(`in ${mode} mode`));
  }
  const redefined = events(input, '0 seconds')
    .groupBy(F.window('eventTime', '5 seconds').alias('window')).agg(F.count('*').alias('count'))
    .withColumn('t', F.window_time('window')).withWatermark('t', '1 second')
    .groupBy(F.window('t', '10 seconds')).count();
  assert.throws(() => redefined.writeStream.format('noop').outputMode('append').option('checkpointLocation', '/tmp/never-used-spate').start(),
    /redefines the watermark/);
});
