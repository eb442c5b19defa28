/**
 * The mqtt sink against Mosquitto on 127.0.0.1:1883: rows published in
 * order (topic option or column, payload/value string or binary, QoS,
 * retain), df.write, a round trip through the mqtt source, the documented
 * at-least-once replay, option errors and an unreachable port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { batchFromRows } from '../../src/core/batch.js';
import { IntegerType, StringType, StructField, StructType } from '../../src/core/types.js';
import { MQTT_SINK } from '../../src/sinks/mqtt-sink.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { MemoryStream } from '../../src/testing/index.js';
import { needService, uniqueName } from '../support/services.js';
import { freePort, waitFor } from '../sources/nats-support.js';
import mqtt from 'mqtt';
import { collect, mqttClient, MQTT_URL, PrivateMosquitto } from '../sources/mqtt-support.js';

const skip = await needService('mosquitto');
const spark = SparkSession.builder.appName('mqtt-sink').getOrCreate();

function checkpoint(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-mqtt-sink-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('mqtt sink: writeStream publishes each row in order (topic option, value column, QoS 1)', { skip }, async (t) => {
  const sub = await mqttClient(t);
  const topic = `spate/${uniqueName('out')}`;
  const got = await collect(sub, topic, 1);
  const input = new MemoryStream(spark, 'n INT');
  const q = input.toDF().select(F.concat(F.lit('n='), F.col('n').cast('string')).alias('value'))
    .writeStream.format('mqtt').option('brokerUrl', MQTT_URL).option('topic', topic).option('checkpointLocation', checkpoint(t)).start();
  try {
    input.addData(1, 2, 3);
    await q.processAllAvailable();
    input.addData(4);
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  await waitFor(() => got.length >= 4, 'four messages');
  assert.deepEqual(got, ['n=1', 'n=2', 'n=3', 'n=4']);
  assert.equal(q.lastProgress!.sink.description, `MQTTStreamSink[brokerUrl: tcp://127.0.0.1:1883, topic: ${topic}, QoS: 1]`);
});

test('mqtt sink: topic column, binary payload, QoS 2 and retain; df.write', { skip }, async (t) => {
  const base = `spate/${uniqueName('cols')}`;
  const schema = StructType([StructField('topic', StringType), StructField('payload', StringType)]);
  const df = spark.createDataFrame([{ topic: `${base}/a`, payload: 'x' }, { topic: `${base}/b`, payload: 'y' }], schema)
    .select('topic', F.col('payload').cast('binary').alias('payload'));
  await df.write.format('mqtt').option('brokerUrl', MQTT_URL).option('QoS', 2).option('retain', 'true').save();
  // Retained: a subscriber that comes afterwards still gets the last message of each topic.
  const sub = await mqttClient(t);
  const got = await collect(sub, `${base}/#`, 2);
  await waitFor(() => got.length >= 2, 'the retained messages');
  assert.deepEqual(got.sort(), ['x', 'y']);
  // Clear the retained messages (an empty retained payload removes them).
  await sub.publishAsync(`${base}/a`, '', { retain: true, qos: 1 });
  await sub.publishAsync(`${base}/b`, '', { retain: true, qos: 1 });
  await assert.rejects(df.write.format('mqtt').option('brokerUrl', MQTT_URL).mode('overwrite').save(), /Save mode overwrite is not allowed for the mqtt sink/);
});

test('mqtt sink: a replayed batch id is published again (at-least-once: MQTT has no message ids to deduplicate by)', { skip }, async (t) => {
  const sub = await mqttClient(t);
  const topic = `spate/${uniqueName('replay')}`;
  const got = await collect(sub, topic, 1);
  const schema = StructType([StructField('payload', StringType)]);
  const sink = MQTT_SINK.create!({ options: { brokerUrl: MQTT_URL, topic }, schema, outputMode: 'append', timeZone: 'UTC' });
  t.after(() => sink.stop!());
  const b = batchFromRows(schema, [['a'], ['b']]);
  await sink.addBatch(0, b, 'append');
  await sink.addBatch(0, b, 'append');
  await waitFor(() => got.length >= 4, 'four messages');
  assert.deepEqual(got, ['a', 'b', 'a', 'b']);
});

test('mqtt sink: a round trip mqtt source -> mqtt sink', { skip }, async (t) => {
  const prev = setSourceWarningHandler(() => undefined);
  t.after(() => setSourceWarningHandler(prev));
  const pub = await mqttClient(t);
  const inTopic = `spate/${uniqueName('rt_in')}`;
  const outTopic = `spate/${uniqueName('rt_out')}`;
  const got = await collect(pub, outTopic, 1);
  const q = spark.readStream.format('mqtt').option('topic', inTopic).option('clientId', uniqueName('rt')).load(MQTT_URL)
    .select(F.upper(F.col('payload').cast('string')).alias('payload'))
    .writeStream.format('mqtt').option('brokerUrl', MQTT_URL).option('topic', outTopic).option('checkpointLocation', checkpoint(t)).start();
  try {
    await q.processAllAvailable();
    for (const v of ['a', 'b', 'c']) await pub.publishAsync(inTopic, v, { qos: 1 });
    await waitFor(async () => { await q.processAllAvailable(); return got.length >= 3; }, 'three messages round trip');
  } finally {
    await q.stop();
  }
  assert.deepEqual(got, ['A', 'B', 'C']);
});

test('mqtt sink: option and column errors at start, an unreachable port names host:port', { skip }, async (t) => {
  const mk = (options: Record<string, string>, schema: StructType) => () => MQTT_SINK.create!({ options: { brokerUrl: MQTT_URL, ...options }, schema, outputMode: 'append', timeZone: 'UTC' });
  const two = StructType([StructField('a', StringType), StructField('b', StringType)]);
  assert.throws(mk({ topic: 't' }, two), /needs a 'payload' \(or 'value'\) column/);
  assert.throws(mk({ topic: 't' }, StructType([StructField('payload', IntegerType)])), /must be string or binary, got int/);
  assert.throws(mk({}, StructType([StructField('payload', StringType)])), /needs a topic: set option\('topic'/);
  assert.throws(mk({ topic: 'a/#' }, StructType([StructField('payload', StringType)])), /Option 'topic' must be an MQTT topic without wildcards/);
  assert.throws(mk({ topic: 't', QoS: '5' }, StructType([StructField('payload', StringType)])), /Option 'QoS' must be 0, 1 or 2/);

  const port = await freePort();
  const input = new MemoryStream(spark, 'payload STRING');
  const q = input.toDF().writeStream.format('mqtt').option('brokerUrl', `tcp://u:pw-secret-1@127.0.0.1:${port}`).option('topic', 't')
    .option('retries', 1).option('retryBackoffMs', 10).option('checkpointLocation', checkpoint(t)).start();
  input.addData('x');
  await assert.rejects(q.awaitTermination(20_000), (e: Error) => {
    assert.match(e.message, new RegExp(`MQTT broker at 127\\.0\\.0\\.1:${port}: connecting to tcp://127\\.0\\.0\\.1:${port} failed after 2 tries.*ECONNREFUSED`));
    assert.ok(!e.message.includes('pw-secret-1'));
    return true;
  });
});

test('mqtt sink: a real broker restart (private mosquitto with persistence, stopped and started): the batch written meanwhile is retried and arrives; nothing lost (at-least-once)', { skip }, async (t) => {
  const broker = await new PrivateMosquitto(undefined, undefined, true).start();
  t.after(() => broker.dispose());
  // A subscriber with a persistent session of its own, reconnecting by itself: what is published while it is
  // away is queued by the broker (and kept over the broker's restart).
  const got: string[] = [];
  const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: uniqueName('sinksub'), clean: false, reconnectPeriod: 100 });
  t.after(async () => { await sub.endAsync(true); });
  sub.on('message', (_tp, payload) => { got.push(payload.toString()); });
  await sub.subscribeAsync('restart/out', { qos: 1 });
  const input = new MemoryStream(spark, 'n INT');
  const q = input.toDF().select(F.col('n').cast('string').alias('value'))
    .writeStream.format('mqtt').option('brokerUrl', `tcp://127.0.0.1:${broker.port}`).option('topic', 'restart/out')
    .option('retries', 40).option('retryBackoffMs', 100).option('retryMaxBackoffMs', 300).option('checkpointLocation', checkpoint(t)).start();
  try {
    input.addData(1, 2);
    await q.processAllAvailable();
    await waitFor(() => got.length >= 2, 'messages 1 and 2');
    await broker.stop();
    input.addData(3, 4);
    const pending = q.processAllAvailable();
    await new Promise((r) => setTimeout(r, 300)); // the sink meets the stopped broker
    await broker.start();
    await pending;
    input.addData(5);
    await q.processAllAvailable();
    await waitFor(() => got.includes('5') && got.includes('4'), 'messages 3 to 5 after the restart');
    assert.equal(q.exception(), null);
    assert.deepEqual([...new Set(got)], ['1', '2', '3', '4', '5'], got.join(','));
  } finally {
    await q.stop();
  }
});
