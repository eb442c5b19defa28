// Streaming session windows: Spark's StreamingSessionWindowSuite answers (sessionization of words,
// 10 s gap, 30 s watermark), batch by batch, with restarts, plus the output-mode rules.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SparkSession, functions as F, type Column, type DataFrame } from '../../src/index.js';
import {
  MemoryStream, testStream, addData, checkAnswer, checkNewAnswer, assertOnQuery, stopStream, startStream, type StreamAction,
} from '../../src/testing/index.js';
import type { StreamingQuery } from '../../src/stream/streaming-query.js';

const spark = SparkSession.builder.appName('session-window-stream').getOrCreate();
const SCHEMA = 'value STRING, timestamp BIGINT';
const EVENT_SCHEMA = 'user STRING, ts TIMESTAMP, amount INT';

/** Spark's sessionWindowQuery: words of a line are session ids; output (sessionId, start s, end s, duration s, numEvents). */
function sessions(input: MemoryStream, gap: (events: Column) => Column | string = () => '10 seconds') {
  const events = input.toDF()
    .withColumn('eventTime', F.col('timestamp').cast('timestamp'))
    .withWatermark('eventTime', '30 seconds')
    .selectExpr("explode(split(value, ' ')) AS sessionId", 'eventTime');
  return events
    .groupBy(F.session_window('eventTime', gap(F.col('sessionId'))).alias('session'), 'sessionId')
    .agg(F.count('*').alias('numEvents'))
    .selectExpr('sessionId', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)',
      'CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs', 'numEvents');
}

/** Spark's UDF gap of the dynamic-gap test, as a when() chain: zero and negative gaps drop the row. */
const dynamicGap = (id: Column): Column => F.when(id.equalTo('hello'), '1 second')
  .when(id.equalTo('structured'), '0 second')
  .when(id.equalTo('world'), '-10 seconds')
  .otherwise('10 seconds');

const droppedInLastDataBatch = (n: number): StreamAction => assertOnQuery((q: StreamingQuery) => {
  const withData = q.recentProgress.filter((p) => p.numInputRows > 0);
  const got = withData[withData.length - 1]!.stateOperators[0]!.numRowsDroppedByWatermark;
  assert.equal(got, n);
  return true;
}, `numRowsDroppedByWatermark = ${n}`);

const stateRows = (n: number): StreamAction => assertOnQuery((q: StreamingQuery) => {
  assert.equal(q.lastProgress!.stateOperators[0]!.numRowsTotal, n);
  return true;
}, `${n} sessions in state`);

test('complete mode: sessions placed before, bridged into one, and after stored ones (Spark known answers)', async () => {
  const input = new MemoryStream(spark, SCHEMA);
  await testStream(sessions(input), 'complete', [
    addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
    checkAnswer(
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2],
      ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1],
    ),
    // New sessions before the stored ones.
    addData(input, ['spark streaming', 25]),
    checkAnswer(
      ['spark', 25, 35, 10, 1], ['streaming', 25, 35, 10, 1],
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2],
      ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1],
    ),
    // [30, 40] bridges the two stored sessions of 'spark' and of 'streaming' into one each.
    addData(input, ['spark streaming', 30]),
    checkAnswer(
      ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4],
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
    ),
    stateRows(5),
    // After the stored sessions; restarted in between.
    stopStream(),
    addData(input, ['hello apache spark', 60]),
    startStream(),
    checkAnswer(
      ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4],
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
      ['hello', 60, 70, 10, 1], ['apache', 60, 70, 10, 1], ['spark', 60, 70, 10, 1],
    ),
    addData(input, ['structured streaming', 90]),
    checkAnswer(
      ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4],
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
      ['hello', 60, 70, 10, 1], ['apache', 60, 70, 10, 1], ['spark', 60, 70, 10, 1],
      ['structured', 90, 100, 10, 1], ['streaming', 90, 100, 10, 1],
    ),
  ]);
});

/** Spark's append-mode steps; `restartAfter` puts a stop and start after that step (-1: none). */
function appendSteps(input: MemoryStream, restartAfter: number): StreamAction[] {
  const steps: StreamAction[][] = [
    // Watermark after this batch: 41 - 30 = 11.
    [addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]), checkNewAnswer()],
    [addData(input, ['spark streaming', 25]), checkNewAnswer()],
    // Both words' sessions would end at 10, at or below the watermark 11: late, dropped and counted.
    [addData(input, ['spark streaming', 0]), checkNewAnswer(), droppedInLastDataBatch(2)],
    [addData(input, ['spark streaming', 30]), checkNewAnswer()],
    // Watermark 30 after this batch; nothing has ended by then.
    [addData(input, ['hello apache spark', 60]), checkNewAnswer()],
    // Watermark 60: the no-data batch after this one emits every session ending by 60, once, and evicts it.
    [addData(input, ['structured streaming', 90]), checkNewAnswer(
      ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4],
      ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
    ), stateRows(5)],
  ];
  return steps.flatMap((s, i) => (i === restartAfter ? [...s, stopStream(), startStream()] : s));
}

test('append mode: a session is emitted once, when the watermark passes its end; late rows are dropped and counted', async () => {
  const input = new MemoryStream(spark, SCHEMA);
  await testStream(sessions(input), 'append', appendSteps(input, -1));
});

test('append mode: a restart after any step gives the same answers', async () => {
  for (let k = 0; k < 5; k++) {
    const input = new MemoryStream(spark, SCHEMA);
    await testStream(sessions(input), 'append', [
      ...appendSteps(input, k),
      addData(input, ['late', 1]),
      checkNewAnswer(),
    ]);
  }
});

test('dynamic gap: per-row gaps from a when() chain; zero and negative gaps drop the row (Spark SPARK-36465)', async () => {
  const input = new MemoryStream(spark, SCHEMA);
  await testStream(sessions(input, dynamicGap), 'append', [
    addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
    checkNewAnswer(),
    addData(input, ['spark streaming', 25]),
    checkNewAnswer(),
    addData(input, ['spark streaming', 0]),
    checkNewAnswer(),
    droppedInLastDataBatch(2),
    addData(input, ['spark streaming', 30]),
    checkNewAnswer(),
    stopStream(),
    startStream(),
    addData(input, ['hello apache spark', 60]),
    checkNewAnswer(),
    addData(input, ['structured streaming', 90]),
    // 'hello' at 40 and 41 with a 1 s gap: [40, 41] and [41, 42] touch, so they merge into [40, 42].
    checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 42, 2, 2]),
    // Left: hello [60, 61], apache and spark [60, 70], streaming [90, 100] ('structured' has a zero gap).
    stateRows(4),
  ]);
});

test('sum, min, max and avg merge with the stored sessions (and may read the session column); bounds touch inclusively', async () => {
  const input = new MemoryStream(spark, 'user STRING, ts BIGINT, amount INT');
  const df = input.toDF()
    .withColumn('t', F.col('ts').cast('timestamp'))
    .withWatermark('t', '5 seconds')
    .groupBy('user', F.session_window('t', '3 seconds'))
    .agg(F.sum('amount').alias('total'), F.min('amount').alias('lo'), F.max('amount').alias('hi'), F.avg('amount').alias('mean'), F.count('*').alias('n'),
      F.max(F.col('session_window.end')).alias('lastEnd'))
    .selectExpr('user', 'CAST(session_window.start AS LONG) AS s', 'CAST(lastEnd AS LONG) AS e', 'total', 'lo', 'hi', 'mean', 'n');
  await testStream(df, 'complete', [
    addData(input, ['u', 10, 5], ['u', 20, 7], ['v', 10, 1]),
    checkAnswer(['u', 10, 13, 5, 5, 5, 5, 1], ['u', 20, 23, 7, 7, 7, 7, 1], ['v', 10, 13, 1, 1, 1, 1, 1]),
    // 12 and 14 extend the stored [10, 13] to [10, 17]; [20, 23] stays apart.
    addData(input, ['u', 12, 3], ['u', 14, 9]),
    checkAnswer(['u', 10, 17, 17, 3, 9, 17 / 3, 3], ['u', 20, 23, 7, 7, 7, 7, 1], ['v', 10, 13, 1, 1, 1, 1, 1]),
    // [17, 20] touches both ends (bounds are inclusive, as in Spark's MergingSessionsIterator): one session.
    addData(input, ['u', 17, 1]),
    checkAnswer(['u', 10, 23, 25, 1, 9, 5, 5], ['v', 10, 13, 1, 1, 1, 1, 1]),
    stateRows(2),
  ]);
});

test('a nested struct key keeps its sessions in state like a plain one (Spark nested tuple key)', async () => {
  const input = new MemoryStream(spark, SCHEMA);
  const df = input.toDF().withColumn('eventTime', F.col('timestamp').cast('timestamp')).withWatermark('eventTime', '30 seconds')
    .selectExpr("explode(split(value, ' ')) AS id", 'eventTime')
    .select(F.struct(F.struct('id', 'id').alias('double'), 'id').alias('sessionId'), 'eventTime')
    .groupBy(F.session_window('eventTime', '10 seconds').alias('session'), 'sessionId').agg(F.count('*').alias('n'))
    .selectExpr('sessionId.id', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'n');
  await testStream(df, 'complete', [
    addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
    checkAnswer(['hello', 40, 51, 2], ['world', 40, 51, 2], ['streaming', 40, 51, 2], ['spark', 40, 50, 1], ['structured', 41, 51, 1]),
    addData(input, ['spark streaming', 25]),
    checkAnswer(
      ['spark', 25, 35, 1], ['streaming', 25, 35, 1],
      ['hello', 40, 51, 2], ['world', 40, 51, 2], ['streaming', 40, 51, 2], ['spark', 40, 50, 1], ['structured', 41, 51, 1],
    ),
    addData(input, ['spark streaming', 30]),
    checkAnswer(['spark', 25, 50, 3], ['streaming', 25, 51, 4], ['hello', 40, 51, 2], ['world', 40, 51, 2], ['structured', 41, 51, 1]),
  ]);
});

test('a session window over all rows (no other key) works in streaming too', async () => {
  // Spark rejects this in streaming ("Global aggregation with session window"); spate keeps its sessions in one partition.
  const input = new MemoryStream(spark, 'v INT');
  const df = input.toDF()
    .withColumn('t', F.col('v').cast('timestamp'))
    .groupBy(F.session_window('t', '5 seconds'))
    .agg(F.count('*').alias('count'), F.sum('v').alias('sum'))
    .selectExpr('CAST(session_window.start AS LONG)', 'CAST(session_window.end AS LONG)', 'count', 'sum');
  await testStream(df, 'complete', [
    addData(input, 40, 52),
    checkAnswer([40, 45, 1, 40], [52, 57, 1, 52]),
    addData(input, 44, 48),
    checkAnswer([40, 57, 4, 184]),
  ]);
});

test('chained: sessions emitted in append mode feed a count of sessions per minute of window_time(session_window)', async () => {
  const input = new MemoryStream(spark, 'user STRING, ts BIGINT');
  const perMinute = input.toDF().withColumn('t', F.col('ts').cast('timestamp')).withWatermark('t', '10 seconds')
    .groupBy('user', F.session_window('t', '5 seconds')).count()
    .groupBy(F.window(F.window_time('session_window'), '1 minute')).agg(F.count('*').alias('sessions'), F.sum('count').alias('events'))
    .selectExpr('CAST(window.start AS LONG) AS s', 'sessions', 'events');
  await testStream(perMinute, 'append', [
    // a: [1, 8] (1 and 3 merge) and [20, 25]; b: [2, 7].
    addData(input, ['a', 1], ['a', 3], ['b', 2], ['a', 20]),
    checkNewAnswer(),
    // Watermark 60: the three sessions end by then and go up; the minute [0, 60) ends at 60 and goes out too.
    addData(input, ['c', 70]),
    checkNewAnswer([0, 3, 4]),
    stopStream(),
    startStream(),
    addData(input, ['c', 72], ['c', 200]),
    checkNewAnswer([60, 1, 2]),
  ]);
});

test('output modes: update is rejected for session windows, append needs a watermark, both saying what to do', () => {
  const input = new MemoryStream(spark, SCHEMA);
  assert.throws(() => sessions(input).writeStream.outputMode('update').format('console').start(),
    /Update output mode not supported for session window.*outputMode\('append'\)/);
  const noWatermark = input.toDF().withColumn('t', F.col('timestamp').cast('timestamp'))
    .groupBy(F.session_window('t', '10 seconds'), 'value').count();
  assert.throws(() => noWatermark.writeStream.outputMode('append').format('console').start(), /Append output mode needs a watermark.*session_window\(t, \.\.\.\).*withWatermark/);
});

test('a select of session_window over a stream is stateless: each row its own session', async () => {
  const input = new MemoryStream(spark, SCHEMA);
  const df = input.toDF().withColumn('t', F.col('timestamp').cast('timestamp'))
    .select(F.session_window('t', '10 seconds').alias('s'), 'value')
    .selectExpr('CAST(s.start AS LONG)', 'CAST(s.end AS LONG)', 'value');
  await testStream(df, 'append', [
    addData(input, ['a', 40], ['b', 45]),
    checkAnswer([40, 50, 'a'], [45, 55, 'b']),
  ]);
});

// Property: events in time order (each batch's rows shuffled), split at random into micro-batches with
// restarts in between, give in append mode (after a final row moves the watermark past everything)
// exactly the sessions of the batch query over the same rows. In time order no row is late, and with
// a delay of at least a second no row can touch a session that was already evicted.
const propRoot = mkdtempSync(join(tmpdir(), 'spate-session-prop-'));
after(() => rmSync(propRoot, { recursive: true, force: true }));
let propRuns = 0;
const processed = assertOnQuery(async (q: StreamingQuery) => { await q.processAllAvailable(); return true; }, 'process what was added');

type Event = [string | null, Date, number];
const chunkArb = fc.record({
  rows: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', null), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 6 }),
  shuffle: fc.boolean(),
  restartBefore: fc.boolean(),
});

test('property: streaming append equals the batch query over the same rows', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(chunkArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 20 }), fc.boolean(),
    async (chunks, delaySec, perRowGap) => {
      const transform = (df: DataFrame): DataFrame => df
        .withWatermark('ts', `${delaySec} seconds`)
        .groupBy('user', F.session_window('ts', perRowGap ? F.when(F.col('amount').gt(5), '2 seconds').otherwise('5 seconds') : '3 seconds'))
        .agg(F.count('*').alias('n'), F.sum('amount').alias('total'), F.max('amount').alias('hi'));
      let clockSec = 0;
      const batches: Event[][] = chunks.map((c) => {
        const rows = c.rows.map(([user, dt, amount]): Event => { clockSec += dt; return [user, new Date(clockSec * 1000), amount]; });
        return c.shuffle ? [...rows].reverse() : rows;
      });
      const all = batches.flat();
      const expected = await transform(spark.createDataFrame(all, EVENT_SCHEMA)).collectArrays();
      const input = new MemoryStream(spark, EVENT_SCHEMA);
      const actions: StreamAction[] = [];
      batches.forEach((rows, i) => {
        if (chunks[i]!.restartBefore) actions.push(stopStream(), startStream());
        // Processed before the next chunk is added, so each chunk is its own micro-batch (or more, with no-data batches).
        actions.push(addData(input, ...rows), processed);
      });
      // A row of another user a day later moves the watermark past every session above; its own stays open.
      actions.push(addData(input, ['zzz', new Date((clockSec + 86_400) * 1000), 0]), checkAnswer(...expected));
      await testStream(transform(input.toDF()), 'append', actions, { checkpointLocation: join(propRoot, String(propRuns++)) });
    },
  ), { numRuns: 15 });
});
