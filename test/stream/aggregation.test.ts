import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import {
  MemoryStream, testStream, addData, checkAnswer, checkLastBatch, checkNewAnswer, stopStream, startStream, expectFailure, assertOnQuery,
} from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('stream-aggregation').getOrCreate();

test('word count in complete mode continues across a restart', async () => {
  const input = new MemoryStream(spark, 'value STRING');
  const lines = input.toDF();
  const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
  const counts = words.groupBy('word').count();
  await testStream(counts, 'complete', [
    addData(input, 'a b', 'a'),
    checkAnswer(['a', 2], ['b', 1]),
    addData(input, 'b c'),
    checkAnswer(['a', 2], ['b', 2], ['c', 1]),
    stopStream(),
    addData(input, 'c c'),
    startStream(),
    checkAnswer(['a', 2], ['b', 2], ['c', 3]),
  ]);
});

test('update mode emits only the groups a batch changed', async () => {
  const input = new MemoryStream(spark, 'k STRING, v INT');
  const agg = input.toDF().groupBy('k').agg(F.sum('v').alias('s'), F.max('v').alias('m'), F.collect_list('v').alias('l'));
  await testStream(agg, 'update', [
    addData(input, ['x', 1], ['y', 5]),
    checkLastBatch(['x', 1, 1, [1]], ['y', 5, 5, [5]]),
    addData(input, ['x', 3]),
    checkLastBatch(['x', 4, 3, [1, 3]]),
    stopStream(),
    startStream(),
    addData(input, ['y', 2], ['z', 0]),
    checkLastBatch(['y', 7, 5, [5, 2]], ['z', 0, 0, [0]]),
    checkNewAnswer(),
  ]);
});

test('global aggregation and avg across batches', async () => {
  const input = new MemoryStream(spark, 'v DOUBLE');
  const agg = input.toDF().agg(F.count('*').alias('n'), F.avg('v').alias('a'));
  await testStream(agg, 'complete', [
    addData(input, 1, 2),
    checkAnswer([2, 1.5]),
    addData(input, 6),
    checkAnswer([3, 3]),
  ]);
});

test('dropDuplicates passes each key once, across batches and restarts', async () => {
  const input = new MemoryStream(spark, 'id INT, name STRING');
  const dedup = input.toDF().dropDuplicates(['id']);
  await testStream(dedup, 'append', [
    addData(input, [1, 'a'], [1, 'b'], [2, 'c']),
    checkAnswer([1, 'a'], [2, 'c']),
    stopStream(),
    addData(input, [2, 'x'], [3, 'y']),
    startStream(),
    checkAnswer([1, 'a'], [2, 'c'], [3, 'y']),
    assertOnQuery((q) => q.lastProgress?.stateOperators[0]?.numRowsTotal === 3, 'three keys in state'),
  ]);
});

test('stateless select/filter in append mode', async () => {
  const input = new MemoryStream(spark, 'n INT');
  const df = input.toDF().filter(F.col('n').mod(2).eq(0)).select(F.col('n').multiply(10).alias('m'));
  await testStream(df, 'append', [
    addData(input, 1, 2, 3, 4),
    checkAnswer([20], [40]),
    addData(input, 6),
    checkNewAnswer([60]),
  ]);
});

test('a failing batch stops the query with the cause', async () => {
  const input = new MemoryStream(spark, 'v STRING');
  const failing = input.toDF().writeStream.foreachBatch(() => { throw new Error('sink exploded'); }).start();
  input.addData('x');
  await assert.rejects(failing.awaitTermination(), /sink exploded/);
  assert.match(String(failing.exception()?.message), /sink exploded/);
});

test('expectFailure sees a query fail on a bad row, and the report names the cause', async () => {
  const input = new MemoryStream(spark, 'v INT, i INT');
  const df = input.toDF().select(F.element_at(F.array('v'), F.col('i')).alias('e'));
  await testStream(df, 'append', [
    addData(input, [7, 1]),
    checkAnswer([7]),
    addData(input, [7, 0]),
    expectFailure((e) => /SQL array indices start at 1/.test(e.message)),
  ]);
  // A failure the test did not expect fails testStream with the step list and the cause.
  const input2 = new MemoryStream(spark, 'v INT, i INT');
  const df2 = input2.toDF().select(F.element_at(F.array('v'), F.col('i')).alias('e'));
  await assert.rejects(testStream(df2, 'append', [addData(input2, [7, 0]), checkAnswer([7])]),
    /Stream test failed at step 2: .*SQL array indices start at 1[\s\S]*=> CheckAnswer/);
});

test('expectFailure() without a check needs the query to fail: a healthy query that outlives the timeout fails the test', async () => {
  const input = new MemoryStream(spark, 'v INT');
  // A processingTime trigger on the manual clock: nothing runs until the clock moves, so the query stays healthy.
  await assert.rejects(testStream(input.toDF(), 'append', [addData(input, 1), expectFailure()], { trigger: { processingTime: '1 second' }, timeoutMs: 200 }),
    /Stream test failed at step 2: expected the query to fail, but it was still running after 200 ms[\s\S]*=> ExpectFailure/);
  // And a query that stops cleanly is no failure either.
  const input2 = new MemoryStream(spark, 'v INT');
  await assert.rejects(testStream(input2.toDF(), 'append', [addData(input2, 1), checkAnswer([1]), expectFailure()], { trigger: { once: true }, timeoutMs: 5_000 }),
    /expected the query to fail, but it stopped without an error/);
});

test('unsupported operations fail at start with the fix', async () => {
  const input = new MemoryStream(spark, 'k STRING');
  const counts = input.toDF().groupBy('k').count();
  assert.throws(() => counts.writeStream.outputMode('append').format('console').start(), /Append output mode not supported.*withWatermark/);
  assert.throws(() => input.toDF().writeStream.outputMode('complete').format('console').start(), /Complete output mode not supported/);
  assert.throws(() => input.toDF().orderBy('k').writeStream.format('console').start(), /Sorting is not supported/);
  await assert.rejects(input.toDF().collect(), /must be executed with writeStream.start\(\)/);
  await assert.rejects(input.toDF().count(), /must be executed with writeStream.start\(\)/);
});

test('a sink failing while the state stores commit: the restart reruns the batch and counts each row once', async () => {
  const checkpoint = mkdtempSync(join(tmpdir(), 'spate-sink-fail-'));
  const input = new MemoryStream(spark, 'value STRING');
  const counts = input.toDF().groupBy('value').count();
  const seen = new Map<number, unknown[][]>();
  const run = (failOn: number) => counts.writeStream.outputMode('complete').option('checkpointLocation', checkpoint)
    .foreachBatch(async (df, batchId) => {
      // The state stores write this batch's version at the same time; the failure must not make it count.
      await new Promise((r) => setTimeout(r, 5));
      if (batchId === failOn) throw new Error(`sink failed on batch ${batchId}`);
      seen.set(batchId, await df.orderBy('value').collectArrays());
    }).start();
  let q = run(1);
  input.addData('a', 'b');
  await q.processAllAvailable();
  input.addData('a', 'c');
  await assert.rejects(q.awaitTermination(), /sink failed on batch 1/);
  q = run(-1);
  await q.processAllAvailable();
  input.addData('b');
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual(seen.get(1), [['a', 2], ['b', 1], ['c', 1]]);
  assert.deepEqual(seen.get(2), [['a', 2], ['b', 2], ['c', 1]]);
});
