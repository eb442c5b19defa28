/**
 * The mqtt source against Mosquitto on 127.0.0.1:1883: messages in order
 * with Bahir's columns, QoS options, the read limit, restarts with a
 * persistent session (messages published while the query is down arrive
 * after it) and with a clean one (they do not), the local message log that
 * keeps received-but-uncommitted messages across a restart, the broker going
 * away and coming back (TcpProxy), an unreachable port and bad credentials
 * (a private mosquitto with a password file).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { batchToRows } from '../../src/core/batch.js';
import { MqttSource } from '../../src/sources/mqtt-source.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needService, uniqueName } from '../support/services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { makeCtx } from './support.js';
import { freePort, waitFor } from './nats-support.js';
import { mqttClient, mqttPublish, MQTT_URL, PrivateMosquitto } from './mqtt-support.js';

const skip = await needService('mosquitto');
const spark = SparkSession.builder.appName('mqtt-source').getOrCreate();

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-mqtt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function quiet(t: { after(fn: () => void): void }): string[] {
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  return warnings;
}

function startQuery(topic: string, ck: string, table: string, options: Record<string, string | number> = {}, url = MQTT_URL) {
  return spark.readStream.format('mqtt').option('topic', topic).options(options).load(url)
    .select('id', 'topic', F.col('payload').cast('string').alias('text'), 'timestamp')
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck).start();
}

async function texts(table: string): Promise<string[]> {
  return (await spark.table(table).select('text').collectArrays()).map((r) => r[0] as string);
}

/** Processes until the table holds `n` rows (bounded), returning its texts. */
async function until(q: { processAllAvailable(): Promise<void> }, table: string, n: number): Promise<string[]> {
  await waitFor(async () => { await q.processAllAvailable(); return (await texts(table)).length >= n; }, `${n} rows in ${table}`);
  return texts(table);
}

test('mqtt: messages arrive in order with Bahir\'s columns (id, topic, payload, timestamp); offsets count messages', { skip }, async (t) => {
  const warnings = quiet(t);
  const pub = await mqttClient(t);
  const topic = `spate/${uniqueName('order')}`;
  const table = uniqueName('mqtt_order');
  const before = Date.now();
  const q = startQuery(`${topic}/#`, tmp(t), table, { clientId: uniqueName('c'), QoS: 1 });
  try {
    await q.processAllAvailable();
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    await mqttPublish(pub, `${topic}/a`, lines, 1);
    assert.deepEqual(await until(q, table, 50), lines);
    const rows = await spark.table(table).collect();
    assert.equal(rows[0]!.topic, `${topic}/a`);
    assert.ok(typeof rows[0]!.id === 'number' && (rows[0]!.id as number) > 0, 'id is the QoS 1 packet id');
    assert.ok((rows[0]!.timestamp as Date).getTime() >= before - 1000);
    const ends = q.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.sources[0]!.endOffset);
    assert.equal(ends[ends.length - 1], 50);
    assert.match(q.lastProgress!.sources[0]!.description, /^MQTTStreamSource\[brokerUrl: tcp:\/\/127\.0\.0\.1:1883, topic: spate\//);
  } finally {
    await q.stop();
  }
  assert.deepEqual(spark.readStream.format('mqtt').option('topic', 'x').load(MQTT_URL).schema.fields.map((f) => `${f.name} ${f.dataType.kind}`),
    ['id int', 'topic string', 'payload binary', 'timestamp timestamp']);
  assert.equal(warnings.length, 0, `a persistent session with file persistence warns of nothing: ${warnings.join('\n')}`);
});

for (const qos of [0, 2] as const) {
  test(`mqtt: QoS ${qos} subscription delivers every message of a local publisher in order`, { skip }, async (t) => {
    const warnings = quiet(t);
    const pub = await mqttClient(t);
    const topic = `spate/${uniqueName('qos')}`;
    const table = uniqueName('mqtt_qos');
    const q = startQuery(topic, tmp(t), table, { clientId: uniqueName('c'), QoS: qos, maxMessagesPerTrigger: 4 });
    try {
      await q.processAllAvailable();
      const lines = Array.from({ length: 10 }, (_, i) => `m${i}`);
      await mqttPublish(pub, topic, lines, qos);
      assert.deepEqual(await until(q, table, 10), lines);
      assert.ok(q.recentProgress.every((p) => p.numInputRows <= 4), 'maxMessagesPerTrigger bounds each batch');
      if (qos === 0) {
        assert.deepEqual((await spark.table(table).select('id').collectArrays()).map((r) => r[0]), new Array(10).fill(0));
        assert.ok(warnings.some((w) => w.includes('messages published while the query is not running are lost, because QoS is 0')), warnings.join('\n'));
      }
    } finally {
      await q.stop();
    }
  });
}

test('mqtt: a restart with a persistent session (clientId, QoS 1, cleanSession=false) gets what was published while it was down', { skip }, async (t) => {
  quiet(t);
  const pub = await mqttClient(t);
  const topic = `spate/${uniqueName('persist')}`;
  const ck = tmp(t);
  const opts = { clientId: uniqueName('persist'), QoS: 1 };
  const a = uniqueName('mqtt_p');
  const q1 = startQuery(topic, ck, a, opts);
  await q1.processAllAvailable();
  await mqttPublish(pub, topic, ['1', '2']);
  assert.deepEqual(await until(q1, a, 2), ['1', '2']);
  await q1.stop();

  await mqttPublish(pub, topic, ['3', '4']); // the broker queues these for the session
  const b = uniqueName('mqtt_p');
  const q2 = startQuery(topic, ck, b, opts);
  try {
    assert.deepEqual(await until(q2, b, 2), ['3', '4']);
    await mqttPublish(pub, topic, ['5']);
    assert.deepEqual(await until(q2, b, 3), ['3', '4', '5']);
    // The offset continues from the checkpoint: five messages in all.
    assert.equal(q2.lastProgress!.sources[0]!.endOffset, 5);
  } finally {
    await q2.stop();
  }
});

test('mqtt: with cleanSession=true messages published while the query was down are lost (documented), later ones arrive', { skip }, async (t) => {
  const warnings = quiet(t);
  const pub = await mqttClient(t);
  const topic = `spate/${uniqueName('clean')}`;
  const ck = tmp(t);
  const opts = { clientId: uniqueName('clean'), QoS: 1, cleanSession: 'true' };
  const a = uniqueName('mqtt_c');
  const q1 = startQuery(topic, ck, a, opts);
  await q1.processAllAvailable();
  await mqttPublish(pub, topic, ['1']);
  assert.deepEqual(await until(q1, a, 1), ['1']);
  await q1.stop();
  await mqttPublish(pub, topic, ['while-down']);
  const b = uniqueName('mqtt_c');
  const q2 = startQuery(topic, ck, b, opts);
  try {
    await q2.processAllAvailable();
    await mqttPublish(pub, topic, ['after']);
    assert.deepEqual(await until(q2, b, 1), ['after']);
  } finally {
    await q2.stop();
  }
  assert.ok(warnings.some((w) => w.includes('because cleanSession is true')), warnings.join('\n'));
});

test('mqtt: received but uncommitted messages are kept in the checkpoint\'s log and served again after a restart; persistence=memory loses them', { skip }, async (t) => {
  const warnings = quiet(t);
  const pub = await mqttClient(t);
  for (const persistence of ['file', 'memory']) {
    const topic = `spate/${uniqueName('log')}`;
    const dir = tmp(t);
    const options = { brokerUrl: MQTT_URL, topic, clientId: uniqueName('log'), persistence };
    const s1 = new MqttSource(makeCtx(dir, options));
    assert.equal(await s1.latestOffset(null, { kind: 'all' }), null);
    await mqttPublish(pub, topic, ['a', 'b', 'c']);
    await waitFor(async () => (await s1.latestOffset(null, { kind: 'all' })) === 3, 'three messages received');
    assert.deepEqual(batchToRows((await s1.getBatch(null, 3))[0]!).map((r) => Buffer.from(r[2] as Uint8Array).toString()), ['a', 'b', 'c']);
    // The batch (offsets 0..3) was planned but never committed: the process goes away.
    await s1.stop();

    const s2 = new MqttSource(makeCtx(dir, options));
    const again = await s2.getBatch(null, 3);
    if (persistence === 'file') {
      assert.deepEqual(batchToRows(again[0]!).map((r) => [r[1], Buffer.from(r[2] as Uint8Array).toString()]), [[topic, 'a'], [topic, 'b'], [topic, 'c']]);
      await s2.commit(3);
      await mqttPublish(pub, topic, ['d']);
      await waitFor(async () => (await s2.latestOffset(3, { kind: 'all' })) === 4, 'message 4');
      assert.deepEqual(batchToRows((await s2.getBatch(3, 4))[0]!).map((r) => Buffer.from(r[2] as Uint8Array).toString()), ['d']);
    } else {
      assert.deepEqual(again, []);
      assert.ok(warnings.some((w) => w.includes('messages 1 to 3 were received before the restart and kept only in memory')), warnings.join('\n'));
    }
    await s2.stop();
  }
  assert.ok(warnings.some((w) => w.includes('persistence=memory does not support recovery')));
});

test('mqtt: the broker connection goes away and comes back (TcpProxy): the session resumes, nothing lost (a message whose ack was cut off may come twice)', { skip }, async (t) => {
  quiet(t);
  const proxy = await new TcpProxy(1883).up();
  t.after(() => proxy.down());
  const pub = await mqttClient(t);
  const topic = `spate/${uniqueName('proxy')}`;
  const table = uniqueName('mqtt_proxy');
  const q = startQuery(topic, tmp(t), table, { clientId: uniqueName('proxy'), QoS: 1, retries: 30, retryBackoffMs: 100, retryMaxBackoffMs: 200 }, `tcp://127.0.0.1:${proxy.port}`);
  try {
    await q.processAllAvailable();
    await mqttPublish(pub, topic, ['1', '2']);
    assert.deepEqual(await until(q, table, 2), ['1', '2']);
    const accepted = proxy.accepted;
    await proxy.down();
    await mqttPublish(pub, topic, ['3', '4']); // queued by the broker for the disconnected session
    await proxy.up();
    await waitFor(() => proxy.accepted > accepted, 'the source to reconnect');
    await waitFor(async () => { await q.processAllAvailable(); return (await texts(table)).includes('4'); }, 'message 4');
    // At-least-once: a message whose PUBACK was cut off with the connection comes again (marked DUP), right
    // where the connection broke; nothing is missing and the order holds.
    const got = await texts(table);
    assert.deepEqual(got.filter((x, i) => x !== got[i - 1]), ['1', '2', '3', '4'], got.join(','));
    assert.equal(q.exception(), null);
  } finally {
    await q.stop();
  }
});

test('mqtt: a broker away longer than the retries fails the query naming host:port', { skip }, async (t) => {
  quiet(t);
  const proxy = await new TcpProxy(1883).up();
  t.after(() => proxy.down());
  const topic = `spate/${uniqueName('gone')}`;
  const q = startQuery(topic, tmp(t), uniqueName('mqtt_gone'), { clientId: uniqueName('gone'), retries: 2, retryBackoffMs: 50 }, `tcp://127.0.0.1:${proxy.port}`);
  await q.processAllAvailable();
  await proxy.down();
  await assert.rejects(q.awaitTermination(30_000), new RegExp(`MQTT broker at 127\\.0\\.0\\.1:${proxy.port}: receiving messages of topic '${topic}' failed`));
});

test('mqtt: an unreachable port fails after bounded retries naming host:port', { skip }, async (t) => {
  quiet(t);
  const port = await freePort();
  const q = startQuery('x', tmp(t), uniqueName('mqtt_unreach'), { retries: 2, retryBackoffMs: 10 }, `tcp://127.0.0.1:${port}`);
  await assert.rejects(q.awaitTermination(30_000), new RegExp(`MQTT broker at 127\\.0\\.0\\.1:${port}: connecting to tcp://127\\.0\\.0\\.1:${port} and subscribing to 'x' failed after 3 tries.*ECONNREFUSED`));
});

test('mqtt: bad credentials fail at once (private mosquitto with a password file); the password never shows', { skip }, async (t) => {
  quiet(t);
  const broker = await new PrivateMosquitto('sensor', 'good-pass-321').start();
  t.after(() => broker.dispose());
  const url = `tcp://127.0.0.1:${broker.port}`;
  for (const v of [4, 5]) {
    const q = startQuery('x', tmp(t), uniqueName('mqtt_auth'), { username: 'sensor', password: 'bad-pass-654', mqttVersion: v }, url);
    await assert.rejects(q.awaitTermination(20_000), (e: Error) => {
      assert.match(e.message, new RegExp(`MQTT broker at 127\\.0\\.0\\.1:${broker.port} refused the connection: .*(Bad username or password|Not authorized)`, 'i'));
      assert.doesNotMatch(e.message, /after \d+ tries/);
      assert.ok(!e.message.includes('bad-pass-654'), e.message);
      return true;
    });
  }
  const pub = await mqttClient(t, broker.port, { username: 'sensor', password: 'good-pass-321' });
  const table = uniqueName('mqtt_auth');
  const q = startQuery('in', tmp(t), table, { clientId: uniqueName('auth'), username: 'sensor' }, `tcp://sensor:good-pass-321@127.0.0.1:${broker.port}`);
  try {
    await q.processAllAvailable();
    await mqttPublish(pub, 'in', ['ok']);
    assert.deepEqual(await until(q, table, 1), ['ok']);
    assert.doesNotMatch(JSON.stringify(q.recentProgress), /good-pass-321/);
  } finally {
    await q.stop();
  }
});

test('mqtt: option errors fail at load()', { skip }, async () => {
  const load = (o: Record<string, string>) => () => spark.readStream.format('mqtt').options(o).load();
  assert.throws(load({ topic: 'x' }), /option\('brokerUrl', 'tcp:\/\/host:1883'\) or load/);
  assert.throws(load({ brokerUrl: MQTT_URL }), /option\('topic'/);
  assert.throws(load({ brokerUrl: 'http://h', topic: 'x' }), /Option 'brokerUrl' must be a broker URL/);
  assert.throws(load({ brokerUrl: MQTT_URL, topic: 'a/#/b' }), /Option 'topic' must be an MQTT topic filter/);
  assert.throws(load({ brokerUrl: MQTT_URL, topic: 'x', QoS: '3' }), /Option 'QoS' must be 0, 1 or 2/);
  assert.throws(load({ brokerUrl: MQTT_URL, topic: 'x', persistence: 'disk' }), /Option 'persistence' must be 'file'/);
  assert.throws(load({ brokerUrl: MQTT_URL, topic: 'x', mqttVersion: '6' }), /Option 'mqttVersion' must be 3/);
});

test('mqtt: progress has startOffset, endOffset, latestOffset, numInputRows and messagesHeld; bad input (not the JSON from_json expects, non-UTF-8 bytes) gives PERMISSIVE nulls, every message one row', { skip }, async (t) => {
  quiet(t);
  const pub = await mqttClient(t);
  const topic = `spate/${uniqueName('bad')}`;
  const table = uniqueName('mqtt_bad');
  const q = spark.readStream.format('mqtt').option('topic', topic).option('clientId', uniqueName('bad')).load(MQTT_URL)
    .select(F.from_json(F.col('payload').cast('string'), 'page STRING, n INT').alias('c'), F.length(F.col('payload')).alias('len'))
    .select('c.page', 'c.n', 'len')
    .writeStream.format('memory').queryName(table).option('checkpointLocation', tmp(t)).start();
  try {
    await q.processAllAvailable();
    for (const p of ['{"page":"/a","n":1}', 'not json', Buffer.from([0xff, 0xfe, 0x41]), '', '{"page":"/b","n":"x"}']) await pub.publishAsync(topic, p, { qos: 1 });
    await waitFor(async () => { await q.processAllAvailable(); return (await spark.table(table).count()) >= 5; }, '5 rows');
    assert.deepEqual(await spark.table(table).collectArrays(), [['/a', 1, 19], [null, null, 8], [null, null, 3], [null, null, 0], ['/b', null, 21]]);
    const batches = q.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.sources[0]!);
    assert.equal(batches.reduce((n, s) => n + s.numInputRows, 0), 5);
    assert.equal(batches[0]!.startOffset, null);
    for (let i = 1; i < batches.length; i++) assert.equal(batches[i]!.startOffset, batches[i - 1]!.endOffset, 'each batch starts where the last ended');
    const last = batches[batches.length - 1]!;
    assert.equal(last.endOffset, 5);
    assert.equal(last.latestOffset, 5, 'messages received so far');
    assert.equal(last.metrics?.messagesHeld, '0', 'every received message is in a committed batch');
  } finally {
    await q.stop();
  }
});

test('mqtt: a real broker restart (private mosquitto stopped and started again on its port, persistence on): the running query reconnects and resumes its session; messages queued for the stopped query survive the restart', { skip }, async (t) => {
  quiet(t);
  const broker = await new PrivateMosquitto(undefined, undefined, true).start();
  t.after(() => broker.dispose());
  const url = `tcp://127.0.0.1:${broker.port}`;
  const publish = async (values: string[]): Promise<void> => {
    const c = await mqttClient(t, broker.port);
    await mqttPublish(c, 'restart/in', values);
    await c.endAsync();
  };
  const ck = tmp(t);
  const opts = { clientId: uniqueName('restart'), QoS: 1, retries: 40, retryBackoffMs: 100, retryMaxBackoffMs: 200 };
  const a = uniqueName('mqtt_restart');
  const q1 = startQuery('restart/in', ck, a, opts, url);
  try {
    await q1.processAllAvailable();
    await publish(['1', '2']);
    assert.deepEqual(await until(q1, a, 2), ['1', '2']);
    await broker.stop();
    await broker.start();
    await publish(['3', '4']); // to the restored session: delivered now or queued until the source is back
    await waitFor(async () => { await q1.processAllAvailable(); return (await texts(a)).includes('4'); }, 'message 4 after the broker restart');
    const got = await texts(a);
    assert.deepEqual(got.filter((x, i) => x !== got[i - 1]), ['1', '2', '3', '4'], got.join(','));
    assert.equal(q1.exception(), null);
  } finally {
    await q1.stop();
  }
  // The query is down; the broker queues for its session, is restarted, and still holds them.
  await publish(['5', '6']);
  await broker.stop();
  await broker.start();
  const b = uniqueName('mqtt_restart');
  const q2 = startQuery('restart/in', ck, b, opts, url);
  try {
    assert.deepEqual(await until(q2, b, 2), ['5', '6']);
  } finally {
    await q2.stop();
  }
});

test('mqtt: a reconnect that finds no session (broker restarted without persistence; cleanSession=true after a cut) subscribes again: messages published after it arrive', { skip }, async (t) => {
  quiet(t);
  // A private broker without persistence: its restart forgets the session and the subscription.
  const broker = await new PrivateMosquitto().start();
  t.after(() => broker.dispose());
  const pub = async (port: number, values: string[]): Promise<void> => {
    const c = await mqttClient(t, port);
    await mqttPublish(c, 'nosession/in', values);
    await c.endAsync();
  };
  const retry = { retries: 40, retryBackoffMs: 100, retryMaxBackoffMs: 200 };
  const a = uniqueName('mqtt_nosession');
  const q1 = startQuery('nosession/in', tmp(t), a, { clientId: uniqueName('nosession'), QoS: 1, ...retry }, `tcp://127.0.0.1:${broker.port}`);
  try {
    await q1.processAllAvailable();
    await pub(broker.port, ['1']);
    assert.deepEqual(await until(q1, a, 1), ['1']);
    await broker.stop();
    await broker.start();
    // Published until the source has subscribed again (what came before that had no subscriber and is gone).
    await waitFor(async () => { await pub(broker.port, ['2']); await q1.processAllAvailable(); return (await texts(a)).includes('2'); }, 'a message after the restart');
    assert.equal(q1.exception(), null);
  } finally {
    await q1.stop();
  }
  // cleanSession=true behind a proxy: every reconnect is a new session.
  const proxy = await new TcpProxy(1883).up();
  t.after(() => proxy.down());
  const b = uniqueName('mqtt_clean');
  const topic = `spate/${uniqueName('clean')}`;
  const shared = await mqttClient(t);
  const q2 = startQuery(topic, tmp(t), b, { clientId: uniqueName('clean'), cleanSession: 'true', QoS: 1, ...retry }, `tcp://127.0.0.1:${proxy.port}`);
  try {
    await q2.processAllAvailable();
    await mqttPublish(shared, topic, ['1']);
    assert.deepEqual(await until(q2, b, 1), ['1']);
    const accepted = proxy.accepted;
    await proxy.down();
    await proxy.up();
    await waitFor(() => proxy.accepted > accepted, 'the source to reconnect');
    await waitFor(async () => { await mqttPublish(shared, topic, ['2']); await q2.processAllAvailable(); return (await texts(b)).includes('2'); }, 'a message after the reconnect');
    assert.equal(q2.exception(), null);
  } finally {
    await q2.stop();
  }
});
