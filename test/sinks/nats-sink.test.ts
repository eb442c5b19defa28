/**
 * The nats sink against the NATS server on 127.0.0.1:4222: publishing rows
 * (subject option or column, data string or binary, headers), the
 * Nats-Msg-Id per (query, batch, row) that makes a replayed batch a no-op
 * within the duplicate window, df.write, a subject no stream stores, and a
 * round trip through the nats source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { batchFromRows } from '../../src/core/batch.js';
import { LongType, StringType, StructField, StructType } from '../../src/core/types.js';
import { NATS_SINK } from '../../src/sinks/nats-sink.js';
import type { StreamSink } from '../../src/sinks/sink.js';
import { MemoryStream } from '../../src/testing/index.js';
import { needService, uniqueName } from '../support/services.js';
import { createStream, freePort, natsAdmin, NATS_URL, publish, streamCount, streamValues } from '../sources/nats-support.js';

const skip = await needService('nats');
const spark = SparkSession.builder.appName('nats-sink').getOrCreate();

function checkpoint(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-nats-sink-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const SCHEMA = StructType([StructField('subject', StringType), StructField('data', StringType)]);

function sinkOf(options: Record<string, string>, schema = SCHEMA): StreamSink {
  return NATS_SINK.create!({ options: { servers: NATS_URL, ...options }, schema, outputMode: 'append', timeZone: 'UTC' });
}

test('nats sink: a replayed batch id publishes nothing new (Nats-Msg-Id per query, batch and row)', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('dedup');
  await createStream(t, admin, s);
  const sink = sinkOf({});
  t.after(() => sink.stop!());
  await sink.open!({ id: 'q-1', runId: 'r-1', name: null, checkpointDir: '/tmp/x' });
  const batch = batchFromRows(SCHEMA, [[`${s}.a`, 'one'], [`${s}.b`, 'two'], [`${s}.a`, 'three']]);
  await sink.addBatch(0, batch, 'append');
  assert.equal(await streamCount(admin, s), 3);
  // The engine hands the sink batch 0 again after a crash: the stream drops every copy.
  await sink.addBatch(0, batch, 'append');
  assert.equal(await streamCount(admin, s), 3);
  // The next batch id is new data.
  await sink.addBatch(1, batchFromRows(SCHEMA, [[`${s}.a`, 'four']]), 'append');
  assert.equal(await streamCount(admin, s), 4);
  assert.deepEqual(await streamValues(admin, s), ['one', 'two', 'three', 'four']);
  const first = await admin.jsm.streams.getMessage(s, { seq: 1 });
  assert.equal(first!.header.get('Nats-Msg-Id'), 'spate:q-1:0:0');

  // After a restart (a new sink, same query id) the replay is still dropped.
  const again = sinkOf({});
  t.after(() => again.stop!());
  await again.open!({ id: 'q-1', runId: 'r-2', name: null, checkpointDir: '/tmp/x' });
  await again.addBatch(1, batchFromRows(SCHEMA, [[`${s}.a`, 'four']]), 'append');
  assert.equal(await streamCount(admin, s), 4);
});

test('nats sink: writeStream publishes each row; subject option, value column, binary data, headers', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('ws');
  await createStream(t, admin, s);
  const input = new MemoryStream(spark, StructType([StructField('k', StringType), StructField('v', StringType)]));
  const out = input.toDF().select(
    F.to_json(F.struct('k', 'v')).cast('binary').alias('value'),
    F.array(F.struct(F.lit('K').alias('key'), F.col('k').alias('value'))).alias('headers'),
  );
  const q = out.writeStream.format('nats').option('servers', NATS_URL).option('subject', `${s}.events`).option('checkpointLocation', checkpoint(t)).start();
  try {
    input.addData({ k: 'a', v: '1' }, { k: 'b', v: '2' });
    await q.processAllAvailable();
    input.addData({ k: 'c', v: '3' });
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.deepEqual(await streamValues(admin, s), ['{"k":"a","v":"1"}', '{"k":"b","v":"2"}', '{"k":"c","v":"3"}']);
  const m = await admin.jsm.streams.getMessage(s, { seq: 3 });
  assert.equal(m!.subject, `${s}.events`);
  assert.equal(m!.header.get('K'), 'c');
  assert.match(m!.header.get('Nats-Msg-Id'), new RegExp(`^spate:${q.id}:1:0$`));
  assert.match(q.lastProgress!.sink.description, new RegExp(`NatsJetStreamSink\\[subject=${s}\\.events, servers=nats://127\\.0\\.0\\.1:4222\\]`));
});

test('nats sink: a round trip nats source -> nats sink copies every message once, across a restart', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const src = uniqueName('rt_in');
  const dst = uniqueName('rt_out');
  await createStream(t, admin, src);
  await createStream(t, admin, dst);
  await publish(admin, `${src}.x`, ['1', '2', '3']);
  const ck = checkpoint(t);
  const run = async () => {
    const q = spark.readStream.format('nats').option('servers', NATS_URL).option('stream', src).option('startingOffsets', 'earliest')
      .option('maxMessagesPerTrigger', 2).load()
      .select(F.concat(F.lit(`${dst}.`), F.col('subject')).alias('subject'), F.upper(F.col('data').cast('string')).alias('data'))
      .writeStream.format('nats').option('servers', NATS_URL).option('checkpointLocation', ck).start();
    await q.processAllAvailable();
    await q.stop();
  };
  await run();
  await publish(admin, `${src}.x`, ['4']);
  await run();
  assert.deepEqual(await streamValues(admin, dst), ['1', '2', '3', '4']);
  const m = await admin.jsm.streams.getMessage(dst, { seq: 1 });
  assert.equal(m!.subject, `${dst}.${src}.x`);
});

test('nats sink: without a data/value column each row is sent as the JSON object of its columns', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('json');
  await createStream(t, admin, s);
  const df = spark.createDataFrame([{ subject: `${s}.a`, id: 1, name: 'x' }, { subject: `${s}.b`, id: 2, name: null }], 'subject STRING, id BIGINT, name STRING');
  await df.write.format('nats').option('servers', NATS_URL).save();
  assert.deepEqual(await streamValues(admin, s), ['{"id":1,"name":"x"}', '{"id":2}']);
});

test('nats sink: df.write publishes rows; msgIdPrefix makes a repeated write a no-op; overwrite is refused', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('dfw');
  await createStream(t, admin, s);
  const df = spark.createDataFrame([{ subject: `${s}.a`, data: 'x' }, { subject: `${s}.a`, data: 'y' }], 'subject STRING, data STRING');
  await df.write.format('nats').option('servers', NATS_URL).mode('append').save();
  assert.equal(await streamCount(admin, s), 2);
  await df.write.format('nats').option('servers', NATS_URL).option('msgIdPrefix', 'load-7:').save();
  await df.write.format('nats').option('servers', NATS_URL).option('msgIdPrefix', 'load-7:').save();
  assert.equal(await streamCount(admin, s), 4);
  await assert.rejects(df.write.format('nats').option('servers', NATS_URL).mode('overwrite').save(), /Save mode overwrite is not allowed for the nats sink/);
});

test('nats sink: a subject no stream stores, a stream that does not exist, missing columns: clear errors', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('nostream');
  const input = new MemoryStream(spark, StructType([StructField('data', StringType)]));
  const q = input.toDF().writeStream.format('nats').option('servers', NATS_URL).option('subject', `${s}.x`).option('checkpointLocation', checkpoint(t)).start();
  input.addData({ data: 'lost?' });
  await assert.rejects(q.awaitTermination(20_000), new RegExp(`no JetStream stream stores subject '${s}\\.x'`));

  const other = uniqueName('other');
  await createStream(t, admin, other);
  const wrong = sinkOf({ stream: uniqueName('absent') });
  t.after(() => wrong.stop!());
  await assert.rejects(wrong.open!({ id: 'q', runId: 'r', name: null, checkpointDir: '' }), /stream '.*absent.*' does not exist/);
  const mismatch = sinkOf({ stream: other, subject: `${s}.y` });
  t.after(() => mismatch.stop!());
  await assert.rejects(mismatch.open!({ id: 'q', runId: 'r', name: null, checkpointDir: '' }), /no JetStream stream stores subject/);

  assert.throws(() => sinkOf({}, StructType([StructField('subject', StringType)])), /needs a 'data' \(or 'value'\) column/);
  assert.throws(() => sinkOf({}, StructType([StructField('data', LongType)])), /column 'data' must be string or binary, got long/);
  assert.throws(() => sinkOf({}, StructType([StructField('data', StringType)])), /needs a subject: set option\('subject'/);
  assert.throws(() => sinkOf({ subject: 'a.*' }), /Option 'subject' must be a NATS subject without wildcards/);
});

test('nats sink: an unreachable server fails the query naming host:port, the password masked', { skip }, async (t) => {
  const port = await freePort();
  const input = new MemoryStream(spark, StructType([StructField('data', StringType)]));
  const q = input.toDF().writeStream.format('nats').option('servers', `nats://u:hidden-pw-42@127.0.0.1:${port}`).option('subject', 'a.b')
    .option('retries', 1).option('retryBackoffMs', 10).option('checkpointLocation', checkpoint(t)).start();
  input.addData({ data: 'x' });
  await assert.rejects(q.awaitTermination(20_000), (e: Error) => {
    assert.match(e.message, new RegExp(`NATS at 127\\.0\\.0\\.1:${port}: connecting to nats://127\\.0\\.0\\.1:${port} failed after 2 tries`));
    assert.ok(!e.message.includes('hidden-pw-42'));
    return true;
  });
});
