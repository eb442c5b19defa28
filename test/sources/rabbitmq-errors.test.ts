/**
 * The rabbitmq connector when things go wrong: a missing stream, wrong
 * credentials (never shown), an unreachable port (bounded retries naming
 * host:port), and the server going away mid-query behind a TcpProxy (the
 * shared server is never stopped) with nothing lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SparkSession, functions as F } from '../../src/index.js';
import { RABBITMQ_SOURCE } from '../../src/sources/rabbitmq-source.js';
import { RABBITMQ_SINK } from '../../src/sinks/rabbitmq-sink.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { batchFromRows } from '../../src/core/batch.js';
import { StringType, StructField, StructType } from '../../src/core/types.js';
import { needService, uniqueName } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createStream, deleteQueue, deleteStream, eventually, publish, readStreamBodies, withChannel } from './rabbitmq-support.js';

const skip = await needService('rabbitmq', 'rabbitmq-stream');
const spark = SparkSession.builder.appName('rabbitmq-errors').getOrCreate();
const ck = (): string => mkdtempSync(join(tmpdir(), 'spate-rmq-err-'));
const SECRET = 'Sw0rdf1sh-not-this';
const quiet = setSourceWarningHandler(() => { /* queue warnings are expected */ });
test.after(() => setSourceWarningHandler(quiet));

function streamSource(options: Record<string, string>) {
  return RABBITMQ_SOURCE.create!({ metadataPath: ck(), options, schema: undefined, timeZone: 'UTC', now: () => Date.now() });
}

/** The message and every cause's message, for "the secret appears nowhere" checks. */
function allText(e: unknown): string {
  const parts: string[] = [];
  for (let x: unknown = e; x instanceof Error; x = (x as { cause?: unknown }).cause) parts.push(x.message, String(x.stack));
  return parts.join('\n');
}

test('a missing stream fails at once with an error naming it and saying how to fix it', { skip }, async () => {
  const s = uniqueName('rmq_missing');
  const q = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).load()
    .writeStream.format('memory').queryName(uniqueName('t')).option('checkpointLocation', ck()).start();
  await assert.rejects(q.processAllAvailable(), (e: Error) => {
    assert.match(e.message, new RegExp(`RabbitMQ at 127.0.0.1:5552: .*stream '${s}'.*STREAM_DOES_NOT_EXIST.*create it first`));
    assert.doesNotMatch(e.message, /tries/, 'not retried: another try cannot create the stream');
    return true;
  });
  await q.stop();
});

test('a stream deleted under a running query fails it naming the stream', { skip }, async () => {
  const s = uniqueName('rmq_deleted');
  await createStream(s);
  await publish(s, ['a']);
  const table = uniqueName('t');
  const q = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).option('startingOffsets', 'first').load()
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).trigger({ processingTime: '20 milliseconds' }).start();
  await eventually(async () => (await spark.table(table).collectArrays()).length === 1, 'the first row');
  await deleteStream(s);
  await eventually(() => !q.isActive, 'the query to fail');
  assert.match(String(q.exception()?.message), new RegExp(`stream '${s}'.*STREAM_DOES_NOT_EXIST.*create it first`));
  await q.stop();
});

test('wrong password for guest (option and URI): an authentication error that never shows the password', { skip }, async () => {
  const cases: Record<string, string>[] = [
    { host: '127.0.0.1', stream: 'any', password: SECRET },
    { uri: `rabbitmq-stream://guest:${SECRET}@127.0.0.1:5552/%2F`, stream: 'any' },
  ];
  for (const options of cases) {
    const src = streamSource(options);
    assert.ok(!src.description.includes(SECRET));
    await assert.rejects(src.latestOffset(null, { kind: 'all' }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'RABBITMQ_AUTH_FAILED');
      assert.match((e as Error).message, /127\.0\.0\.1:5552.*AUTHENTICATION_FAILURE.*username\/password/);
      assert.ok(!allText(e).includes(SECRET), 'the password is not in the error or its causes');
      return true;
    });
    await src.stop();
  }
  const qsrc = RABBITMQ_SOURCE.create!({ metadataPath: ck(), options: { uri: `amqp://guest:${SECRET}@127.0.0.1:5672`, queue: 'any', retries: '0' }, schema: undefined, timeZone: 'UTC', now: () => Date.now() });
  await assert.rejects(qsrc.latestOffset(null, { kind: 'all' }), (e: unknown) => {
    assert.match((e as Error).message, /127\.0\.0\.1:5672: access refused for user 'guest'/);
    assert.ok(!allText(e).includes(SECRET));
    return true;
  });
  await qsrc.stop();
});

test('a user of its own (rabbitmqctl add_user): wrong password, then no permission on the vhost', { skip }, async (t) => {
  const user = uniqueName('spate_user');
  try {
    execFileSync('rabbitmqctl', ['add_user', user, SECRET], { stdio: 'ignore', timeout: 30_000 });
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    t.skip(`rabbitmqctl add_user is not available here: ${(e as Error).message}`);
    return;
  }
  t.after(() => { execFileSync('rabbitmqctl', ['delete_user', user], { stdio: 'ignore', timeout: 30_000 }); });
  const wrong = streamSource({ host: '127.0.0.1', stream: 'any', username: user, password: `${SECRET}x` });
  await assert.rejects(wrong.latestOffset(null, { kind: 'all' }), (e: unknown) => {
    assert.match((e as Error).message, new RegExp(`authenticating as user '${user}'.*AUTHENTICATION_FAILURE`));
    assert.ok(!allText(e).includes(SECRET));
    return true;
  });
  await wrong.stop();
  const noPerm = streamSource({ host: '127.0.0.1', stream: 'any', username: user, password: SECRET });
  await assert.rejects(noPerm.latestOffset(null, { kind: 'all' }), (e: unknown) => {
    assert.equal((e as { code?: string }).code, 'RABBITMQ_ACCESS_REFUSED');
    assert.match((e as Error).message, /virtual host '\/'.*VIRTUAL_HOST_ACCESS_FAILURE.*set_permissions/);
    assert.ok(!allText(e).includes(SECRET));
    return true;
  });
  await noPerm.stop();
});

test('an unreachable port: bounded retries, then an error naming host:port and what was being done', { skip }, async () => {
  const proxy = await new TcpProxy(1).up(); // a free port...
  const port = proxy.port;
  await proxy.down(); // ...with nothing listening on it
  const src = streamSource({ host: '127.0.0.1', port: String(port), stream: 'events', retries: '2', retryBackoffMs: '10', password: SECRET });
  await assert.rejects(src.latestOffset(null, { kind: 'all' }), (e: unknown) => {
    assert.equal((e as { code?: string }).code, 'RABBITMQ_UNAVAILABLE');
    assert.match((e as Error).message, new RegExp(`RabbitMQ at 127.0.0.1:${port}: finding the starting offset \\(next\\) of stream 'events' failed after 3 tries.*ECONNREFUSED`));
    assert.ok(!allText(e).includes(SECRET));
    return true;
  });
  await src.stop();
  const sink = RABBITMQ_SINK.create!({ options: { host: '127.0.0.1', port: String(port), stream: 'events', retries: '1', retryBackoffMs: '10' }, schema: StructType([StructField('body', StringType)]), outputMode: 'append', timeZone: 'UTC' });
  await sink.open!({ id: 'q', runId: 'r', name: null, checkpointDir: '' });
  await assert.rejects(sink.addBatch(0, batchFromRows(StructType([StructField('body', StringType)]), [['x']]), 'append'),
    new RegExp(`RabbitMQ at 127.0.0.1:${port}: writing batch 0 \\(1 rows\\) to stream 'events' failed after 2 tries`));
  await sink.stop!();
});

test('stream source: the server goes away mid-query and comes back; every message once', { skip }, async (t) => {
  const s = uniqueName('rmq_outage');
  await createStream(s);
  t.after(() => deleteStream(s));
  const proxy = await new TcpProxy(5552).up();
  t.after(() => proxy.down());
  const table = uniqueName('t');
  const q = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('port', proxy.port).option('stream', s)
    .option('startingOffsets', 'first').option('retries', 30).option('retryBackoffMs', 50).option('retryMaxBackoffMs', 200).load()
    .select(F.col('body').cast('string').alias('v'))
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).trigger({ processingTime: '20 milliseconds' }).start();
  try {
    await publish(s, ['a', 'b']);
    await eventually(async () => (await spark.table(table).collectArrays()).length === 2, 'the first two messages');
    await proxy.down();
    await publish(s, ['c', 'd']); // written while the query cannot reach the broker
    await sleep(300); // let the query hit the outage (it retries), then bring the server back
    await proxy.up();
    await eventually(async () => (await spark.table(table).collectArrays()).length >= 4, 'the messages written during the outage');
    await q.processAllAvailable();
    assert.deepEqual((await spark.table(table).collectArrays()).map((r) => r[0]), ['a', 'b', 'c', 'd']);
    assert.ok(proxy.accepted >= 2, 'the source reconnected');
  } finally {
    await q.stop();
  }
});

test('stream source: an outage longer than the retries fails the query naming host:port; a restart from the checkpoint loses nothing', { skip }, async (t) => {
  const s = uniqueName('rmq_outage_long');
  await createStream(s);
  t.after(() => deleteStream(s));
  const proxy = await new TcpProxy(5552).up();
  t.after(() => proxy.down());
  const checkpoint = ck();
  const start = (table: string) => spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('port', proxy.port).option('stream', s)
    .option('startingOffsets', 'first').option('retries', 2).option('retryBackoffMs', 10).load()
    .select(F.col('body').cast('string').alias('v'))
    .writeStream.format('memory').queryName(table).option('checkpointLocation', checkpoint).trigger({ processingTime: '20 milliseconds' }).start();
  await publish(s, ['1', '2']);
  const t1 = uniqueName('t');
  const q1 = start(t1);
  await eventually(async () => (await spark.table(t1).collectArrays()).length === 2, 'the first rows');
  await proxy.down();
  await publish(s, ['3']);
  await eventually(() => !q1.isActive, 'the query to fail');
  assert.match(String(q1.exception()?.message), new RegExp(`RabbitMQ at 127.0.0.1:${proxy.port}: .* failed after 3 tries`));
  await q1.stop();
  await proxy.up();
  const t2 = uniqueName('t');
  const q2 = start(t2);
  try {
    await eventually(async () => { await q2.processAllAvailable(); return (await spark.table(t2).collectArrays()).length >= 1; }, 'the row written during the outage');
    assert.deepEqual((await spark.table(t2).collectArrays()).map((r) => r[0]), ['3']);
  } finally {
    await q2.stop();
  }
});

test('stream sink: the server goes away during a batch; the retried batch lands once (deduplicated)', { skip }, async (t) => {
  const s = uniqueName('rmq_sink_outage');
  await createStream(s);
  t.after(() => deleteStream(s));
  const proxy = await new TcpProxy(5552).up();
  t.after(() => proxy.down());
  const schema = StructType([StructField('body', StringType)]);
  const sink = RABBITMQ_SINK.create!({ options: { host: '127.0.0.1', port: String(proxy.port), stream: s, retries: '30', retryBackoffMs: '50', retryMaxBackoffMs: '200' }, schema, outputMode: 'append', timeZone: 'UTC' });
  await sink.open!({ id: 'outage-q', runId: 'r', name: null, checkpointDir: '' });
  await sink.addBatch(0, batchFromRows(schema, [['r0']]), 'append');
  const big = Array.from({ length: 20_000 }, (_, i) => [`b1-${i}`]);
  const writing = sink.addBatch(1, batchFromRows(schema, big), 'append');
  await proxy.down(); // cut while batch 1 is in flight (some, none or all of it reached the broker)
  await sleep(200);
  await proxy.up();
  await writing;
  await sink.addBatch(2, batchFromRows(schema, [['r2']]), 'append');
  await sink.stop!();
  assert.ok(proxy.accepted >= 2, 'the sink reconnected after the cut');
  const got = await readStreamBodies(s);
  assert.equal(got.length, 1 + big.length + 1, 'every row once');
  assert.equal(new Set(got).size, got.length);
  assert.deepEqual([got[0], got[1], got[got.length - 2], got[got.length - 1]], ['r0', 'b1-0', `b1-${big.length - 1}`, 'r2']);
});

test('queue source: the server goes away mid-query; after it returns every message arrives (at least once)', { skip }, async (t) => {
  const queue = uniqueName('rmq_q_outage');
  t.after(() => deleteQueue(queue));
  await withChannel(async (ch) => { await ch.assertQueue(queue, { durable: true }); });
  const send = (xs: string[]) => withChannel(async (ch) => { for (const x of xs) ch.sendToQueue(queue, Buffer.from(x)); await ch.waitForConfirms(); });
  const proxy = await new TcpProxy(5672).up();
  t.after(() => proxy.down());
  const table = uniqueName('t');
  const q = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('port', proxy.port).option('queue', queue)
    .option('retries', 30).option('retryBackoffMs', 50).option('retryMaxBackoffMs', 200).load()
    .select(F.col('body').cast('string').alias('v'))
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).trigger({ processingTime: '20 milliseconds' }).start();
  try {
    await send(['q1', 'q2']);
    await eventually(async () => (await spark.table(table).collectArrays()).length >= 2, 'the first messages');
    await proxy.down();
    await send(['q3', 'q4']);
    await sleep(300);
    await proxy.up();
    await eventually(async () => new Set((await spark.table(table).collectArrays()).map((r) => r[0])).size === 4, 'all four messages');
  } finally {
    await q.stop();
  }
  assert.equal(await withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount), 0, 'everything was acked');
});

test('progress and descriptions never show a password given in the URI', { skip }, async (t) => {
  const s = uniqueName('rmq_redact');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['p']);
  const q = spark.readStream.format('rabbitmq').option('uri', `rabbitmq-stream://guest:guest@127.0.0.1:5552/%2F`).option('password', 'guest')
    .option('stream', s).option('startingOffsets', 'first').load()
    .writeStream.format('memory').queryName(uniqueName('t')).option('checkpointLocation', ck()).start();
  try {
    await q.processAllAvailable();
    const text = JSON.stringify(q.recentProgress);
    assert.ok(text.includes(s));
    assert.ok(!text.includes('guest:guest'), 'no credentials in progress');
  } finally {
    await q.stop();
  }
});
