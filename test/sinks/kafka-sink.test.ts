/**
 * The kafka sink against librdkafka's mock cluster (not Apache Kafka; its
 * transactions write no markers, so read_committed cannot hide an aborted
 * batch here — the exactly-once tests check the batch-id markers that make a
 * replay a no-op). Cases from Spark's KafkaSinkSuite are named after it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { batchFromRows } from '../../src/core/batch.js';
import { parseSchema as parseDDL } from '../../src/core/ddl.js';
import { KAFKA_SINK } from '../../src/sinks/kafka-sink.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needKafkaMock, produce, startKafkaMock, type KafkaMock } from '../support/kafka-mock.js';
import { uniqueName } from '../support/services.js';
import { tempDir } from '../sources/support.js';

const spark = SparkSession.builder.appName('kafka-sink').getOrCreate();
let mock: KafkaMock;
let restore: ((m: string) => void) | undefined;

/** Skipped with the reason printed where the mock cannot be built (not under CI=true). */
const skip = needKafkaMock();
const kafkaTest = skip === false ? test : test.skip;

before(async () => {
  if (skip) return;
  mock = await startKafkaMock();
  restore = setSourceWarningHandler(() => undefined);
});
after(async () => {
  if (restore) setSourceWarningHandler(restore);
  await mock?.stop();
});

async function topic(prefix: string, partitions = 1): Promise<string> {
  const name = uniqueName(prefix);
  await mock.createTopic(name, partitions);
  return name;
}

/** Every record of `tp` as [key, value, partition], read with spark.read (read_committed). */
async function readBack(tp: string, extra = ''): Promise<unknown[][]> {
  const df = spark.read.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('subscribe', tp)
    .option('kafka.isolation.level', 'read_committed').option('includeHeaders', 'true').load();
  const rows = await df.selectExpr('CAST(key AS STRING) k', 'CAST(value AS STRING) v', 'partition', ...(extra ? [extra] : [])).collectArrays();
  return rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])));
}

kafkaTest('KafkaSinkSuite "streaming - write to kafka with topic field" and the topic option; key, value, partition, headers', async (t) => {
  const a = await topic('sink_a', 3);
  const input = new MemoryStream(spark, 'k STRING, v STRING, p INT');
  const q = input.toDF()
    .select(F.col('k').alias('key'), F.col('v').alias('value'), F.col('p').alias('partition'),
      F.array(F.struct(F.lit('h').alias('key'), F.col('v').cast('binary').alias('value'))).alias('headers'))
    .writeStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', a)
    .option('checkpointLocation', tempDir(t)).start();
  try {
    input.addData(['a', '1', 0], ['b', '2', 2], [null, '3', 1]);
    await q.processAllAvailable();
    input.addData(['c', '4', 1]);
    await q.processAllAvailable();
    assert.match(q.lastProgress!.sink.description, new RegExp(`KafkaSink\\[topic=${a}\\]`));
  } finally {
    await q.stop();
  }
  assert.deepEqual(await readBack(a, "CAST(headers[0].value AS STRING) h"), [['a', '1', 0, '1'], ['b', '2', 2, '2'], [null, '3', 1, '3'], ['c', '4', 1, '4']]);
});

kafkaTest('KafkaSinkSuite "batch - write to kafka": df.write with a topic column; the topic option overrides it', async () => {
  const x = await topic('sink_x');
  const y = await topic('sink_y');
  const df = spark.createDataFrame([[x, 'k1', 'one'], [y, 'k2', 'two'], [x, null, Buffer.from('three')]].map((r) => ({ topic: r[0], key: r[1], value: String(r[2]) })),
    'topic STRING, key STRING, value STRING');
  await df.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).save();
  assert.deepEqual(await readBack(x), [['k1', 'one', 0], [null, 'three', 0]].sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
  assert.deepEqual(await readBack(y), [['k2', 'two', 0]]);
  const z = await topic('sink_z');
  await df.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', z).mode('append').save();
  assert.equal((await readBack(z)).length, 3, 'the topic option wins over the topic column');
});

kafkaTest('KafkaSinkSuite "batch - unsupported save modes", "streaming - write data with bad schema" and missing topic: Spark\'s messages', async (t) => {
  const df = spark.createDataFrame([{ value: 'v' }], 'value STRING');
  const w = () => df.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap);
  await assert.rejects(w().save(), /topic option required when no 'topic' attribute is present. Use the topic option for setting a topic./);
  await assert.rejects(w().mode('overwrite').option('topic', 't').save(), /Save mode Overwrite not allowed for Kafka. Allowed save modes are Append and ErrorIfExists \(default\)./);
  await assert.rejects(w().mode('ignore').option('topic', 't').save(), /Save mode Ignore not allowed for Kafka/);
  const noValue = spark.createDataFrame([{ key: 'k' }], 'key STRING');
  await assert.rejects(noValue.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', 't').save(), /Required attribute 'value' not found/);
  const badKey = spark.createDataFrame([{ key: 1, value: 'v' }], 'key INT, value STRING');
  await assert.rejects(badKey.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', 't').save(), /key attribute type must be a String or Binary/);
  const badPart = spark.createDataFrame([{ partition: 'x', value: 'v' }], 'partition STRING, value STRING');
  await assert.rejects(badPart.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', 't').save(), /partition attribute type must be an Int/);
  const nullTopic = spark.createDataFrame([{ topic: null, value: 'v' }], 'topic STRING, value STRING');
  await assert.rejects(nullTopic.write.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).save(), /null topic present in the data. Use the topic option for setting a topic./);
  await assert.rejects(w().option('topic', 't').option('kafka.key.serializer', 'x').save(), /Kafka option 'key.serializer' is not supported as keys are serialized with ByteArraySerializer/);
  await assert.rejects(w().option('topic', 't').option('kafka.value.serializer', 'x').save(), /Kafka option 'value.serializer' is not supported/);
  // writeStream checks at start().
  const input = new MemoryStream(spark, 'value STRING');
  assert.throws(() => input.toDF().writeStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('checkpointLocation', tempDir(t)).start(),
    /topic option required when no 'topic' attribute is present/);
});

kafkaTest('an unreachable broker: df.write fails after bounded retries naming host:port', async () => {
  const df = spark.createDataFrame([{ value: 'v' }], 'value STRING');
  await assert.rejects(df.write.format('kafka').option('kafka.bootstrap.servers', '127.0.0.1:1').option('topic', 't').option('retries', 1).option('retryBackoffMs', 10).save(),
    /Kafka at 127\.0\.0\.1:1: connecting the producer failed after 2 tries/);
});

/** Makes the engine run the last batch again on restart, as after a crash between the sink's write and commits/N. */
function forgetLastCommit(ck: string): void {
  const ids = readdirSync(join(ck, 'commits')).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
  rmSync(join(ck, 'commits', String(ids[ids.length - 1])));
}

async function replayRun(t: { after(fn: () => void): void }, exactlyOnce: boolean): Promise<string[]> {
  const src = await topic('replay_in');
  const tp = await topic(exactlyOnce ? 'eos' : 'alo');
  const ck = tempDir(t);
  // A replayable input (a Kafka topic): the restarted query reads the uncommitted batch's range again.
  const start = () => spark.readStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('subscribe', src)
    .option('startingOffsets', 'earliest').load().selectExpr('value')
    .writeStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', tp)
    .option('exactlyOnce', String(exactlyOnce)).option('checkpointLocation', ck).start();
  let q = start();
  await produce(mock.bootstrap, src, [{ value: 'a' }, { value: 'b' }]);
  await q.processAllAvailable();
  await produce(mock.bootstrap, src, [{ value: 'c' }]);
  await q.processAllAvailable();
  await q.stop();
  forgetLastCommit(ck);
  q = start();
  await q.processAllAvailable();
  await produce(mock.bootstrap, src, [{ value: 'd' }]);
  await q.processAllAvailable();
  await q.stop();
  return (await readBack(tp)).map((r) => String(r[1]));
}

kafkaTest('exactly-once: a batch replayed after a restart (offsets logged, no commit) is skipped; at-least-once writes it again, as Spark', async (t) => {
  assert.deepEqual(await replayRun(t, true), ['a', 'b', 'c', 'd']);
  assert.deepEqual(await replayRun(t, false), ['a', 'b', 'c', 'c', 'd']);
});

kafkaTest('exactly-once sink: markers carry the transactional id (spate-<query id> or kafka.transactional.id); a new sink for the same query skips committed batches', async () => {
  const tp = await topic('eos_direct');
  const markers = await topic('eos_markers');
  const schema = parseDDL('value STRING');
  const make = () => KAFKA_SINK.create!({ options: { 'kafka.bootstrap.servers': mock.bootstrap, topic: tp, exactlyOnce: 'true', markerTopic: markers }, schema, outputMode: 'append', timeZone: 'UTC' });
  const info = { id: 'q-1', runId: 'r-1', name: null, checkpointDir: '/nowhere' };
  const s1 = make();
  await s1.open!(info);
  await s1.addBatch(0, batchFromRows(schema, [['x0'], ['x1']]), 'append');
  await s1.addBatch(1, batchFromRows(schema, [['x2']]), 'append');
  await s1.stop!();
  const s2 = make();
  await s2.open!({ ...info, runId: 'r-2' });
  await s2.addBatch(1, batchFromRows(schema, [['x2']]), 'append'); // replay: skipped
  await s2.addBatch(2, batchFromRows(schema, [['x3']]), 'append');
  await s2.stop!();
  assert.deepEqual((await readBack(tp)).map((r) => r[1]), ['x0', 'x1', 'x2', 'x3']);
  const m = await readBack(markers);
  assert.deepEqual(m.map((r) => [r[0], JSON.parse(String(r[1])).batchId]), [['spate-q-1', 0], ['spate-q-1', 1], ['spate-q-1', 2]]);
  // A different query's markers do not make this one skip.
  const other = make();
  await other.open!({ ...info, id: 'q-2' });
  await other.addBatch(0, batchFromRows(schema, [['y0']]), 'append');
  await other.stop!();
  assert.equal((await readBack(tp)).length, 5);
  assert.throws(() => KAFKA_SINK.create!({ options: { 'kafka.bootstrap.servers': mock.bootstrap, topic: tp, 'kafka.transactional.id': 'x' }, schema, outputMode: 'append', timeZone: 'UTC' }),
    /'kafka.transactional.id' is only used by the exactly-once sink/);
});

kafkaTest('the broker goes away mid-query: the query fails naming host:port; after it returns a restart writes everything, nothing lost, nothing twice (exactly-once)', async (t) => {
  const tp = await topic('outage');
  const ck = tempDir(t);
  const input = new MemoryStream(spark, 'value STRING');
  const start = () => input.toDF().writeStream.format('kafka').option('kafka.bootstrap.servers', mock.bootstrap).option('topic', tp)
    .option('exactlyOnce', 'true').option('retries', 2).option('retryBackoffMs', 20).option('checkpointLocation', ck).start();
  let q = start();
  input.addData('a');
  await q.processAllAvailable();
  await mock.brokerDown();
  try {
    input.addData('b');
    await assert.rejects(q.awaitTermination(), new RegExp(`Kafka at ${mock.bootstrap.replace(/\./g, '\\.')}: .* failed after 3 tries`));
  } finally {
    await mock.brokerUp();
  }
  q = start();
  input.addData('c');
  await q.processAllAvailable();
  await q.stop();
  assert.deepEqual((await readBack(tp)).map((r) => r[1]), ['a', 'b', 'c']);
});
