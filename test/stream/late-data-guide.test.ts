// The programming guide's late-data example (10-minute windows sliding every
// 5 minutes, 10-minute watermark), trigger by trigger, in update and append
// mode, and restarted after every step.
import { test } from 'node:test';
import { SparkSession, functions as F } from '../../src/index.js';
import {
  MemoryStream, testStream, addData, checkNewAnswer, checkAnswer, stopStream, startStream, assertOnQuery, type StreamAction,
} from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('late-data-guide').getOrCreate();
const t = (hhmm: string) => new Date(`2024-01-01T${hhmm}:00Z`);
const w = (a: string, b: string) => ({ start: t(a), end: t(b) });
type Word = [Date, string];

/** The guide's four triggers of (event time, word). */
const TRIGGERS: Word[][] = [
  [[t('12:07'), 'dog'], [t('12:08'), 'owl']],
  [[t('12:14'), 'dog'], [t('12:09'), 'cat']],
  [[t('12:15'), 'cat'], [t('12:08'), 'dog'], [t('12:13'), 'owl'], [t('12:21'), 'owl']],
  [[t('12:17'), 'owl'], [t('12:04'), 'donkey']],
];

function query(input: MemoryStream) {
  return input.toDF()
    .withWatermark('timestamp', '10 minutes')
    .groupBy(F.window('timestamp', '10 minutes', '5 minutes'), 'word')
    .count();
}

const settle = assertOnQuery(async (q) => { await q.processAllAvailable(); return true; }, 'run the no-data batch the watermark calls for');

test('update mode, trigger by trigger: the 12:04 donkey is too late at the last trigger', async () => {
  const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
  await testStream(query(input), 'update', [
    addData(input, ...TRIGGERS[0]!),
    checkNewAnswer([w('12:00', '12:10'), 'dog', 1], [w('12:05', '12:15'), 'dog', 1], [w('12:00', '12:10'), 'owl', 1], [w('12:05', '12:15'), 'owl', 1]),
    addData(input, ...TRIGGERS[1]!),
    checkNewAnswer([w('12:05', '12:15'), 'dog', 2], [w('12:10', '12:20'), 'dog', 1], [w('12:00', '12:10'), 'cat', 1], [w('12:05', '12:15'), 'cat', 1]),
    addData(input, ...TRIGGERS[2]!),
    checkNewAnswer(
      [w('12:10', '12:20'), 'cat', 1], [w('12:15', '12:25'), 'cat', 1],
      [w('12:00', '12:10'), 'dog', 2], [w('12:05', '12:15'), 'dog', 3],
      [w('12:05', '12:15'), 'owl', 2], [w('12:10', '12:20'), 'owl', 1],
      [w('12:15', '12:25'), 'owl', 1], [w('12:20', '12:30'), 'owl', 1],
    ),
    addData(input, ...TRIGGERS[3]!),
    checkNewAnswer([w('12:10', '12:20'), 'owl', 2], [w('12:15', '12:25'), 'owl', 2]),
    assertOnQuery((q) => q.lastProgress!.stateOperators[0]!.numRowsDroppedByWatermark === 2, "donkey's two windows were dropped"),
    assertOnQuery((q) => q.lastProgress!.eventTime.watermark === '2024-01-01T12:11:00.000Z', 'watermark 12:21 - 10 minutes'),
  ]);
});

/** What append mode emits, in total, once the watermark has passed 12:15 (windows ending by then are final). */
const APPEND_FINAL = [
  [w('12:00', '12:10'), 'dog', 2], [w('12:00', '12:10'), 'owl', 1], [w('12:00', '12:10'), 'cat', 1],
];

test('append mode emits each window once, after the watermark passes its end', async () => {
  const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
  await testStream(query(input), 'append', [
    addData(input, ...TRIGGERS[0]!),
    checkAnswer(),
    addData(input, ...TRIGGERS[1]!),
    checkAnswer(),
    addData(input, ...TRIGGERS[2]!),
    // Watermark moves to 12:11 after this batch; the no-data batch emits the windows ending at 12:10.
    settle,
    checkAnswer(...APPEND_FINAL),
    addData(input, ...TRIGGERS[3]!),
    settle,
    checkNewAnswer(),
  ]);
});

/** The update-mode steps with a stop and restart after step `k`; the final state must not depend on it. */
function restartedAfter(k: number, input: MemoryStream): StreamAction[] {
  const steps: StreamAction[] = TRIGGERS.flatMap((rows): StreamAction[] => [addData(input, ...rows), settle]);
  steps.splice(k + 1, 0, stopStream(), startStream());
  return steps;
}

test('restarting after any step gives the same output and keeps the watermark', async () => {
  for (let k = 0; k < TRIGGERS.length * 2; k++) {
    const input = new MemoryStream(spark, 'timestamp TIMESTAMP, word STRING');
    await testStream(query(input), 'append', [
      ...restartedAfter(k, input),
      settle,
      checkAnswer(...APPEND_FINAL),
      // (After the last step nothing is left to run, so there is no progress to look at.)
      assertOnQuery((q) => q.lastProgress === null || q.lastProgress.eventTime.watermark === '2024-01-01T12:11:00.000Z', `watermark kept across a restart after step ${k}`),
    ]);
  }
});

test('multiple watermarks combine by min (default) or max', async () => {
  // After z the watermark is min(12:25 - 10, 12:40 - 20) = 12:15 or max(...) = 12:20; the checks let the query
  // go idle, so with min the last progress is the no-data batch that ran with 12:15.
  for (const [policy, expected] of [['min', '2024-01-01T12:15:00.000Z'], ['max', '2024-01-01T12:20:00.000Z']] as const) {
    spark.conf.set('spark.sql.streaming.multipleWatermarkPolicy', policy);
    try {
      const a = new MemoryStream(spark, 'ts TIMESTAMP, k STRING');
      const b = new MemoryStream(spark, 'ts TIMESTAMP, k STRING');
      const df = a.toDF().withWatermark('ts', '10 minutes').union(b.toDF().withWatermark('ts', '20 minutes')).dropDuplicates(['k', 'ts']);
      await testStream(df, 'append', [
        addData(a, [t('12:20'), 'x']),
        addData(b, [t('12:40'), 'y']),
        checkAnswer([t('12:20'), 'x'], [t('12:40'), 'y']),
        addData(a, [t('12:25'), 'z']),
        checkNewAnswer([t('12:25'), 'z']),
        assertOnQuery((q) => q.lastProgress!.eventTime.watermark === expected, `${policy} policy → ${expected}`),
      ]);
    } finally {
      spark.conf.unset('spark.sql.streaming.multipleWatermarkPolicy');
    }
  }
});
