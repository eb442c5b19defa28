import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F, type StreamingQueryProgress } from '../../src/index.js';
import { MemoryStream, testStream, addData, checkAnswer, checkLastBatch, advanceManualClock, assertOnQuery, ManualClock } from '../../src/testing/index.js';

const spark = SparkSession.builder.appName('stream-queries').getOrCreate();
const tmp = () => mkdtempSync(join(tmpdir(), 'spate-queries-'));

test('stream-static inner and left joins reuse the static side every batch', async () => {
  const input = new MemoryStream(spark, 'id INT, v STRING');
  const dim = spark.createDataFrame([[1, 'one'], [2, 'two']], 'id INT, name STRING');
  const inner = input.toDF().join(dim, 'id');
  await testStream(inner, 'append', [
    addData(input, [1, 'a'], [3, 'c']),
    checkAnswer([1, 'a', 'one']),
    addData(input, [2, 'b']),
    checkAnswer([1, 'a', 'one'], [2, 'b', 'two']),
  ]);
  const input2 = new MemoryStream(spark, 'id INT, v STRING');
  const left = input2.toDF().join(dim, 'id', 'left');
  await testStream(left, 'append', [addData(input2, [1, 'a'], [3, 'c']), checkAnswer([1, 'a', 'one'], [3, 'c', null])]);
  assert.throws(() => dim.join(input2.toDF(), 'id', 'left').writeStream.format('console').start(), /stream on the right is not supported|put the stream on the left/);
});

test('a stream-static join feeds a windowed aggregation (YSB shape); a join after an aggregation is rejected', async () => {
  const input = new MemoryStream(spark, 'ad INT, kind STRING, t TIMESTAMP');
  const campaigns = spark.createDataFrame([[1, 10], [2, 10], [3, 30]], 'ad INT, campaign INT');
  const at = (s: number) => new Date(Date.UTC(2024, 0, 1) + s * 1000);
  const df = input.toDF().withWatermark('t', '10 seconds').filter(F.col('kind').eq('view')).join(campaigns, 'ad')
    .groupBy(F.window('t', '10 seconds'), 'campaign').count();
  const w = (s: number) => ({ start: at(s), end: at(s + 10) });
  await testStream(df, 'append', [
    addData(input, [1, 'view', at(1)], [2, 'view', at(5)], [3, 'click', at(6)], [3, 'view', at(9)], [4, 'view', at(2)]),
    checkAnswer(),
    // 25 moves the watermark to 15: the window [0, 10) is final.
    addData(input, [1, 'view', at(25)]),
    checkAnswer([w(0), 10, 2], [w(0), 30, 1]),
  ]);
  const counts = input.toDF().groupBy('ad').count();
  assert.throws(() => counts.join(campaigns, 'ad').writeStream.format('console').outputMode('complete').start(), /Joins after a streaming aggregation/);
});

test('a processingTime trigger runs batches as the manual clock passes each interval', async () => {
  const input = new MemoryStream(spark, 'k STRING');
  const clock = new ManualClock(0);
  const counts = input.toDF().groupBy('k').count();
  await testStream(counts, 'update', [
    addData(input, 'a'),
    checkLastBatch(['a', 1]),
    addData(input, 'a', 'b'),
    assertOnQuery((q) => q.lastProgress?.batchId === 0, 'no batch before the next interval'),
    advanceManualClock(1000),
    checkLastBatch(['a', 2], ['b', 1]),
    assertOnQuery((q) => q.lastProgress?.batchId === 1, 'second batch after the interval'),
  ], { trigger: { processingTime: '1 second' }, clock });
});

test('listeners see started, progress and terminated; progress has Spark\'s shape', async () => {
  const events: string[] = [];
  const progress: StreamingQueryProgress[] = [];
  const listener = {
    onQueryStarted: () => events.push('started'),
    onQueryProgress: (e: { progress: StreamingQueryProgress }) => { events.push('progress'); progress.push(e.progress); },
    onQueryTerminated: (e: { exception: string | null }) => events.push(`terminated:${e.exception}`),
  };
  spark.streams.addListener(listener);
  try {
    const input = new MemoryStream(spark, 'k STRING');
    input.addData('x', 'y', 'x');
    const q = input.toDF().groupBy('k').count().writeStream.outputMode('complete').format('memory').queryName('counts_listener').start();
    await q.processAllAvailable();
    assert.deepEqual((await spark.table('counts_listener').orderBy('k').collect()), [{ k: 'x', count: 2 }, { k: 'y', count: 1 }]);
    assert.equal(spark.streams.active.includes(q), true);
    await q.stop();
    assert.equal(q.isActive, false);
    assert.deepEqual(events, ['started', 'progress', 'terminated:null']);
    const p = progress[0]!;
    assert.equal(p.batchId, 0);
    assert.equal(p.numInputRows, 3);
    assert.equal(p.id, q.id);
    assert.equal(p.sources[0]!.endOffset, 0);
    assert.equal(p.sink.numOutputRows, 2);
    assert.equal(p.stateOperators[0]!.numRowsTotal, 2);
    assert.ok(p.stateOperators[0]!.memoryUsedBytes > 0);
    for (const k of ['latestOffset', 'walCommit', 'getBatch', 'addBatch', 'commitOffsets', 'triggerExecution']) assert.ok(k in p.durationMs, k);
  } finally {
    spark.streams.removeListener(listener);
  }
});

test('the file sink writes each batch once; a batch read of the directory sees exactly the committed rows', async () => {
  const dir = tmp();
  try {
    const input = new MemoryStream(spark, 'id INT, name STRING');
    const out = join(dir, 'out');
    const cp = join(dir, 'cp');
    const start = () => input.toDF().writeStream.format('json').option('checkpointLocation', cp).start(out);
    let q = start();
    input.addData([1, 'a'], [2, 'b']);
    await q.processAllAvailable();
    await q.stop();
    input.addData([3, 'c']);
    q = start();
    await q.processAllAvailable();
    await q.stop();
    const rows = await spark.read.schema('id INT, name STRING').json(out).orderBy('id').collect();
    assert.deepEqual(rows, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('once and availableNow triggers stop by themselves; the file source reads each file once across runs', async () => {
  const dir = tmp();
  try {
    const inDir = join(dir, 'in');
    mkdirSync(inDir);
    writeFileSync(join(inDir, 'a.txt'), 'x y\nx\n');
    writeFileSync(join(inDir, 'b.txt'), 'y\n');
    const cp = join(dir, 'cp');
    const run = async (trigger: { once: true } | { availableNow: true }) => {
      const lines = spark.readStream.option('maxFilesPerTrigger', 1).text(inDir);
      const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('w'));
      const batches: number[] = [];
      const q = words.groupBy('w').count().writeStream.outputMode('complete').option('checkpointLocation', cp)
        .foreachBatch(async (df, id) => { batches.push(id); last = await df.orderBy('w').collect(); })
        .trigger(trigger).start();
      await q.awaitTermination();
      return batches;
    };
    let last: unknown[] = [];
    assert.deepEqual(await run({ availableNow: true }), [0, 1]);
    assert.deepEqual(last, [{ w: 'x', count: 2 }, { w: 'y', count: 2 }]);
    writeFileSync(join(inDir, 'c.txt'), 'z x\n');
    assert.deepEqual(await run({ once: true }), [2]);
    assert.deepEqual(last, [{ w: 'x', count: 3 }, { w: 'y', count: 2 }, { w: 'z', count: 1 }]);
    assert.deepEqual(await run({ availableNow: true }), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rate-micro-batch gives exact batches; awaitTermination with a timeout returns false while running', async () => {
  const df = spark.readStream.format('rate-micro-batch').option('rowsPerBatch', 3).load();
  const q = df.select(F.col('value')).writeStream.format('memory').queryName('rate_rows').start();
  assert.equal(await q.awaitTermination(20), false);
  // The source always has a next batch, so wait (bounded) for two of them instead of processAllAvailable.
  for (let i = 0; i < 500 && q.recentProgress.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  await q.stop();
  assert.ok(q.recentProgress.length >= 2);
  const values = (await spark.table('rate_rows').collect()).map((r) => r.value as number);
  assert.ok(values.length >= 3 && values.length % 3 === 0);
  assert.deepEqual(values, values.map((_, i) => i));
});

test('writeStream on a static DataFrame and a file sink without checkpoint are errors that say what to do', () => {
  const staticDf = spark.createDataFrame([[1]], 'a INT');
  assert.throws(() => staticDf.writeStream.format('console').start(), /only on a streaming DataFrame/);
  const input = new MemoryStream(spark, 'a INT');
  assert.throws(() => input.toDF().writeStream.format('parquet').start(join(tmpdir(), 'never')), /checkpointLocation must be specified/);
});
