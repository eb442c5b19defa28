import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F, type StreamingQuery } from '../../src/index.js';
import { MemoryStream, testStream, addData, checkAnswer, checkNewAnswer, assertOnQuery, stopStream, startStream } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('event-time').getOrCreate();
const t = (hhmm: string) => new Date(`2024-01-01T${hhmm}:00Z`);
const w = (a: string, b: string) => ({ start: t(a), end: t(b) });

/** Word counts over 10-minute windows sliding every 5 minutes, watermark 10 minutes (the programming guide's shape). */
function windowedCounts(input: MemoryStream) {
  return input.toDF()
    .withWatermark('timestamp', '10 minutes')
    .groupBy(F.window('timestamp', '10 minutes', '5 minutes'), 'word')
    .count();
}

test('update mode: late rows within the watermark still count; rows behind it are dropped and counted', async () => {
  const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
  await testStream(windowedCounts(input), 'update', [
    addData(input, [t('12:07'), 'dog'], [t('12:08'), 'owl']),
    checkNewAnswer(
      [w('12:00', '12:10'), 'dog', 1], [w('12:05', '12:15'), 'dog', 1],
      [w('12:00', '12:10'), 'owl', 1], [w('12:05', '12:15'), 'owl', 1],
    ),
    // Max event time 12:08 → watermark 11:58 for the next batch. 12:04 is late but its windows end after 11:58.
    addData(input, [t('12:21'), 'owl'], [t('12:04'), 'dog']),
    checkNewAnswer(
      [w('11:55', '12:05'), 'dog', 1], [w('12:00', '12:10'), 'dog', 2],
      [w('12:15', '12:25'), 'owl', 1], [w('12:20', '12:30'), 'owl', 1],
    ),
    // Watermark now 12:11: 12:04's windows end by 12:10 → dropped; 12:08 still lands in [12:05, 12:15).
    addData(input, [t('12:04'), 'donkey'], [t('12:08'), 'owl']),
    checkNewAnswer([w('12:05', '12:15'), 'owl', 2]),
    assertOnQuery((q) => q.lastProgress!.stateOperators[0]!.numRowsDroppedByWatermark === 3, 'the late rows are counted'),
    assertOnQuery((q) => q.lastProgress!.eventTime.watermark === '2024-01-01T12:11:00.000Z', 'watermark in the progress'),
  ]);
});

test('append mode emits each window once, when the watermark passes its end (with no-data batches)', async () => {
  const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
  await testStream(windowedCounts(input), 'append', [
    addData(input, [t('12:07'), 'dog'], [t('12:08'), 'owl']),
    checkAnswer(),
    addData(input, [t('12:21'), 'owl']),
    // Watermark 12:11 after this batch: the no-data batch that follows (a check waits for it) emits windows ending by 12:10.
    checkAnswer([w('12:00', '12:10'), 'dog', 1], [w('12:00', '12:10'), 'owl', 1]),
    assertOnQuery((q) => q.lastProgress!.numInputRows === 0 && q.lastProgress!.eventTime.watermark === '2024-01-01T12:11:00.000Z', 'that was the no-data batch'),
    stopStream(),
    startStream(),
    addData(input, [t('12:40'), 'cat']),
    checkNewAnswer([w('12:05', '12:15'), 'dog', 1], [w('12:05', '12:15'), 'owl', 1], [w('12:15', '12:25'), 'owl', 1], [w('12:20', '12:30'), 'owl', 1]),
  ]);
});

test('windows work the same in a batch query', async () => {
  const df = spark.createDataFrame([[t('12:07'), 'dog'], [t('12:04'), 'dog']], 'timestamp TIMESTAMP, word STRING');
  const rows = await df.groupBy(F.window('timestamp', '10 minutes', '5 minutes'), 'word').count().orderBy('window').collect();
  assert.deepEqual(rows, [
    { window: w('11:55', '12:05'), word: 'dog', count: 1 },
    { window: w('12:00', '12:10'), word: 'dog', count: 2 },
    { window: w('12:05', '12:15'), word: 'dog', count: 1 },
  ]);
});

test('dropDuplicates with a watermarked column drops late rows and evicts old keys', async () => {
  const input = new MemoryStream(spark, 'id INT, ts TIMESTAMP');
  const df = input.toDF().withWatermark('ts', '5 minutes').dropDuplicates(['id', 'ts']);
  await testStream(df, 'append', [
    addData(input, [1, t('12:00')], [1, t('12:00')], [2, t('12:10')]),
    checkAnswer([1, t('12:00')], [2, t('12:10')]),
    // Watermark 12:05: id 1 at 12:00 is late now and dropped; its key was evicted.
    addData(input, [1, t('12:00')], [3, t('12:06')]),
    checkNewAnswer([3, t('12:06')]),
    assertOnQuery((q) => q.lastProgress!.stateOperators[0]!.numRowsTotal === 2, 'the 12:00 key was evicted'),
  ]);
});

test('append mode without a watermark on the grouping still fails at start with the fix', () => {
  const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
  const df = input.toDF().groupBy(F.window('timestamp', '10 minutes'), 'word').count();
  assert.throws(() => df.writeStream.outputMode('append').format('console').start(), /withWatermark\('eventTime', '10 minutes'\)/);
  assert.throws(() => input.toDF().withWatermark('word', '1 minute'), /needs a top-level timestamp column/);
  assert.throws(() => input.toDF().withWatermark('timestamp', 'ten minutes'), /cannot read "ten minutes"/);
});

test('dropDuplicatesWithinWatermark forgets a key once the watermark passes its first event time plus the delay', async () => {
  const input = new MemoryStream(spark, 'id INT, ts TIMESTAMP');
  const df = input.toDF().withWatermark('ts', '10 minutes').dropDuplicatesWithinWatermark(['id']);
  await testStream(df, 'append', [
    addData(input, [1, t('12:00')], [1, t('12:05')], [2, t('12:10')]),
    checkAnswer([1, t('12:00')], [2, t('12:10')]),
    // Watermark 12:00: id 1 is remembered until 12:10.
    addData(input, [1, t('12:07')], [3, t('12:30')]),
    checkNewAnswer([3, t('12:30')]),
    // Watermark 12:20: ids 1 and 2 expired; 12:15 is late.
    addData(input, [1, t('12:25')], [2, t('12:15')]),
    checkNewAnswer([1, t('12:25')]),
    assertOnQuery((q) => q.lastProgress!.stateOperators[0]!.numRowsDroppedByWatermark === 1, 'the 12:15 row is late'),
  ]);
  assert.throws(() => input.toDF().dropDuplicatesWithinWatermark(['id']).writeStream.format('console').start(), /needs a watermark/);
  const batch = await spark.createDataFrame([[1, t('12:00')], [1, t('12:01')]], 'id INT, ts TIMESTAMP').dropDuplicatesWithinWatermark(['id']).count();
  assert.equal(batch, 1);
});

/** Runs `body` with whole-stage codegen on ('true') or off ('false'), restoring it after. */
async function withCodegen(codegen: string, body: (session: SparkSession) => Promise<void>): Promise<void> {
  const session = SparkSession.builder.getOrCreate();
  session.conf.set('spark.sql.codegen.wholeStage', codegen);
  try {
    await body(session);
  } finally {
    session.conf.set('spark.sql.codegen.wholeStage', 'true');
  }
}

/** The progress of the last batch that read rows (a no-data batch may follow it). */
const dataBatch = (q: StreamingQuery) => q.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!;

// The statistics of a watermark under an aggregation are gathered inside the aggregation's input loop;
// they must still see exactly the rows that reach the watermark node: all of them when the filter is
// above it, only the kept ones when the filter is below, and never a null time.
for (const codegen of ['true', 'false']) {
  test(`progress eventTime min/max/avg count the rows reaching the watermark (codegen ${codegen})`, async () => {
    await withCodegen(codegen, async (session) => {
      const rows: [Date | null, string][] = [[t('12:01'), 'a'], [t('12:09'), 'b'], [null, 'a'], [t('12:05'), 'a']];
      const above = new MemoryStream(session, 'timestamp TIMESTAMP, word STRING');
      const filterAbove = above.toDF().withWatermark('timestamp', '10 minutes').filter(F.col('word').eq('a'))
        .groupBy(F.window('timestamp', '10 minutes'), 'word').count();
      await testStream(filterAbove, 'update', [
        addData(above, ...rows),
        checkNewAnswer([w('12:00', '12:10'), 'a', 2]),
        assertOnQuery((q) => {
          const e = dataBatch(q).eventTime;
          return e.min === '2024-01-01T12:01:00.000Z' && e.max === '2024-01-01T12:09:00.000Z' && e.avg === '2024-01-01T12:05:00.000Z';
        }, 'min, max and avg over the three non-null times'),
      ]);
      const below = new MemoryStream(session, 'timestamp TIMESTAMP, word STRING');
      const filterBelow = below.toDF().filter(F.col('word').eq('a')).withWatermark('timestamp', '10 minutes')
        .groupBy(F.window('timestamp', '10 minutes'), 'word').count();
      await testStream(filterBelow, 'update', [
        addData(below, ...rows),
        checkNewAnswer([w('12:00', '12:10'), 'a', 2]),
        assertOnQuery((q) => {
          const e = dataBatch(q).eventTime;
          return e.min === '2024-01-01T12:01:00.000Z' && e.max === '2024-01-01T12:05:00.000Z' && e.avg === '2024-01-01T12:03:00.000Z';
        }, "only the rows the filter kept (b's 12:09 is not seen)"),
        // The watermark follows the max the stage saw: 12:05 - 10 minutes.
        addData(below, [t('12:06'), 'b']),
        assertOnQuery((q) => q.lastProgress!.eventTime.watermark === '2024-01-01T11:55:00.000Z', 'watermark from the kept rows'),
      ]);
    });
  });
}

// Late rows of a windowed aggregation, compiled and interpreted, with a window ending exactly at the watermark.
for (const codegen of ['true', 'false']) {
  test(`late rows of a tumbling-window count are dropped and counted, a window ending at the watermark included (codegen ${codegen})`, async () => {
    await withCodegen(codegen, async (session) => {
      const input = new MemoryStream(session, 'timestamp TIMESTAMP, word STRING');
      const counts = input.toDF().withWatermark('timestamp', '10 minutes')
        .groupBy(F.window('timestamp', '10 minutes'), 'word').agg(F.count('*').alias('n'), F.count('word').alias('nw'));
      await testStream(counts, 'update', [
        addData(input, [t('12:07'), 'dog'], [t('12:20'), 'owl']),
        checkNewAnswer([w('12:00', '12:10'), 'dog', 1, 1], [w('12:20', '12:30'), 'owl', 1, 1]),
        // Watermark 12:10, exactly the end of [12:00, 12:10): that window is closed, so 12:05 and 12:09 are
        // late; 12:15 and a null word count.
        addData(input, [t('12:05'), 'dog'], [t('12:15'), 'cat'], [t('12:09'), 'owl'], [t('12:16'), null]),
        checkNewAnswer([w('12:10', '12:20'), 'cat', 1, 1], [w('12:10', '12:20'), null, 1, 0]),
        assertOnQuery((q) => dataBatch(q).stateOperators[0]!.numRowsDroppedByWatermark === 2, 'two late rows counted'),
        stopStream(),
        startStream(),
        addData(input, [t('12:01'), 'dog'], [t('12:25'), 'owl']),
        checkNewAnswer([w('12:20', '12:30'), 'owl', 2, 2]),
        assertOnQuery((q) => dataBatch(q).stateOperators[0]!.numRowsDroppedByWatermark === 1, 'one late row after the restart'),
      ]);
    });
  });
}
