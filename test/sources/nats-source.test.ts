/**
 * The nats source against the NATS server on 127.0.0.1:4222 (JetStream on):
 * offsets and restart, startingOffsets, subject filters, the read limit,
 * progress, headers, spark.read, option errors and a missing stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { needService, uniqueName } from '../support/services.js';
import { createStream, natsAdmin, NATS_URL, publish } from './nats-support.js';

const skip = await needService('nats');
const spark = SparkSession.builder.appName('nats-source').getOrCreate();

function checkpoint(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'spate-nats-ck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function reader(stream: string, options: Record<string, string | number> = {}) {
  return spark.readStream.format('nats').option('servers', NATS_URL).option('stream', stream).options(options).load();
}

/** Runs the stream into a memory table until idle, then stops; returns (subject, text, sequence) rows and the query. */
async function runOnce(df: ReturnType<typeof reader>, ck: string) {
  const name = uniqueName('nats_q');
  const q = df.select('subject', F.col('data').cast('string').alias('text'), 'sequence')
    .writeStream.format('memory').queryName(name).option('checkpointLocation', ck).start();
  try {
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  return { rows: await spark.table(name).collectArrays(), q };
}

/** The offsets of the checkpoint's last offsets/N file (line 3: the source's offset). */
function lastLoggedOffset(ck: string): unknown {
  const files = readdirSync(join(ck, 'offsets')).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b);
  const text = readFileSync(join(ck, 'offsets', String(files[files.length - 1])), 'utf8').split('\n');
  return JSON.parse(text[2]!);
}

test('nats: reads a stream from earliest, checkpoints {"<stream>": seq}, and a restart reads only what came after', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('orders');
  await createStream(t, admin, s);
  await publish(admin, `${s}.created`, ['a', 'b', 'c']);
  const ck = checkpoint(t);

  const first = await runOnce(reader(s, { startingOffsets: 'earliest' }), ck);
  assert.deepEqual(first.rows, [[`${s}.created`, 'a', 1], [`${s}.created`, 'b', 2], [`${s}.created`, 'c', 3]]);
  assert.deepEqual(lastLoggedOffset(ck), { [s]: 3 });

  await publish(admin, `${s}.created`, ['d', 'e']);
  // startingOffsets applies to a new query only: the restart resumes from the checkpoint.
  const second = await runOnce(reader(s, { startingOffsets: 'earliest' }), ck);
  assert.deepEqual(second.rows, [[`${s}.created`, 'd', 4], [`${s}.created`, 'e', 5]]);
  assert.deepEqual(lastLoggedOffset(ck), { [s]: 5 });
});

test('nats: columns subject, data (binary), sequence, timestamp; includeHeaders adds headers', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('cols');
  await createStream(t, admin, s);
  const before = Date.now();
  await publish(admin, `${s}.x`, ['{"n":1}'], { 'Trace-Id': 't-1' });
  const plain = reader(s, { startingOffsets: 'earliest' });
  assert.equal(plain.schema.fields.map((f) => `${f.name} ${f.dataType.kind}`).join(', '), 'subject string, data binary, sequence long, timestamp timestamp');
  const df = reader(s, { startingOffsets: 'earliest', includeHeaders: 'true' });
  const name = uniqueName('nats_cols');
  const q = df.writeStream.format('memory').queryName(name).option('checkpointLocation', checkpoint(t)).start();
  await q.processAllAvailable();
  await q.stop();
  const rows = await spark.table(name).collect();
  assert.equal(rows.length, 1);
  const r = rows[0]!;
  assert.equal(r.subject, `${s}.x`);
  assert.equal(Buffer.from(r.data as Uint8Array).toString(), '{"n":1}');
  assert.equal(r.sequence, 1);
  const ts = (r.timestamp as Date).getTime();
  assert.ok(ts >= before - 1000 && ts <= Date.now() + 1000, `timestamp ${ts} is the message's store time`);
  assert.deepEqual(r.headers, [{ key: 'Trace-Id', value: 't-1' }]);
  // As with Kafka's value, users cast data and parse it.
  const parsed = await spark.table(name).select(F.from_json(F.col('data').cast('string'), 'n INT').alias('j')).select('j.n').collectArrays();
  assert.deepEqual(parsed, [[1]]);
});

test('nats: startingOffsets latest, a sequence number, and the JSON form', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('start');
  await createStream(t, admin, s);
  await publish(admin, `${s}.e`, ['1', '2', '3', '4']);

  // A sequence: the first message read is the one at that sequence.
  assert.deepEqual((await runOnce(reader(s, { startingOffsets: 3 }), checkpoint(t))).rows.map((r) => r[1]), ['3', '4']);
  // JSON (the checkpoint's form): the last sequence already read.
  assert.deepEqual((await runOnce(reader(s, { startingOffsets: JSON.stringify({ [s]: 1 }) }), checkpoint(t))).rows.map((r) => r[1]), ['2', '3', '4']);

  // latest: only what arrives after the query started; the start point is kept, so a restart before any batch agrees.
  const ck = checkpoint(t);
  const name = uniqueName('nats_latest');
  const q = reader(s, { startingOffsets: 'latest' }).select(F.col('data').cast('string').alias('v'))
    .writeStream.format('memory').queryName(name).option('checkpointLocation', ck).start();
  try {
    await q.processAllAvailable();
    assert.deepEqual(await spark.table(name).collectArrays(), []);
    await publish(admin, `${s}.e`, ['5']);
    await q.processAllAvailable();
    assert.deepEqual(await spark.table(name).collectArrays(), [['5']]);
  } finally {
    await q.stop();
  }
  assert.deepEqual(lastLoggedOffset(ck), { [s]: 5 });
});

test('nats: a subject filter skips other subjects (not counted), one filter or several', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('filt');
  await createStream(t, admin, s);
  for (let i = 0; i < 6; i++) await publish(admin, `${s}.${['eu', 'us', 'asia'][i % 3]}.order`, [`m${i}`]);
  await publish(admin, `${s}.us.refund`, ['r6']);

  const ck = checkpoint(t);
  const one = await runOnce(reader(s, { startingOffsets: 'earliest', subject: `${s}.us.*` }), ck);
  assert.deepEqual(one.rows, [[`${s}.us.order`, 'm1', 2], [`${s}.us.order`, 'm4', 5], [`${s}.us.refund`, 'r6', 7]]);
  assert.equal(one.q.recentProgress.reduce((n, p) => n + p.numInputRows, 0), 3);

  const many = await runOnce(reader(s, { startingOffsets: 'earliest', subjects: `${s}.eu.order, ${s}.asia.>`, maxMessagesPerTrigger: 2 }), checkpoint(t));
  assert.deepEqual(many.rows.map((r) => r[1]), ['m0', 'm2', 'm3', 'm5']);
  assert.deepEqual(many.q.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.numInputRows), [2, 2]);
  // The offset is the last matching sequence, so no batch is run for the trailing us.refund message.
  assert.deepEqual(many.q.lastProgress!.sources[0]!.endOffset, { [s]: 6 });
});

test('nats: maxMessagesPerTrigger splits the stream into batches; progress has offsets, latestOffset and messagesBehindLatest', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('limit');
  await createStream(t, admin, s);
  await publish(admin, `${s}.v`, ['1', '2', '3', '4', '5']);
  const { rows, q } = await runOnce(reader(s, { startingOffsets: 'earliest', maxMessagesPerTrigger: 2 }), checkpoint(t));
  assert.deepEqual(rows.map((r) => r[1]), ['1', '2', '3', '4', '5']);
  const progress = q.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.sources[0]!);
  assert.deepEqual(progress.map((p) => [p.startOffset, p.endOffset, p.latestOffset, p.numInputRows, p.metrics]), [
    [null, { [s]: 2 }, { [s]: 5 }, 2, { messagesBehindLatest: '3' }],
    [{ [s]: 2 }, { [s]: 4 }, { [s]: 5 }, 2, { messagesBehindLatest: '1' }],
    [{ [s]: 4 }, { [s]: 5 }, { [s]: 5 }, 1, { messagesBehindLatest: '0' }],
  ]);
  assert.match(progress[0]!.description, new RegExp(`NatsJetStream\\[stream=${s}, servers=nats://127.0.0.1:4222\\]`));
});

test('nats: availableNow reads what exists at start in limit-sized batches, then stops', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('avail');
  await createStream(t, admin, s);
  await publish(admin, `${s}.v`, ['1', '2', '3']);
  const name = uniqueName('nats_avail');
  const q = reader(s, { startingOffsets: 'earliest', maxMessagesPerTrigger: 2 }).select(F.col('data').cast('string'))
    .writeStream.format('memory').queryName(name).trigger({ availableNow: true }).option('checkpointLocation', checkpoint(t)).start();
  assert.equal(await q.awaitTermination(20_000), true);
  assert.deepEqual((await spark.table(name).collectArrays()).map((r) => r[0]), ['1', '2', '3']);
});

test('nats: spark.read reads between startingOffsets and endingOffsets', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('batch');
  await createStream(t, admin, s);
  await publish(admin, `${s}.a`, ['1', '2']);
  await publish(admin, `${s}.b`, ['3']);
  await publish(admin, `${s}.a`, ['4', '5']);
  const read = (o: Record<string, string>) => spark.read.format('nats').option('servers', NATS_URL).option('stream', s).options(o).load()
    .select(F.col('data').cast('string')).collectArrays().then((r) => r.map((x) => x[0]));
  assert.deepEqual(await read({}), ['1', '2', '3', '4', '5']);
  assert.deepEqual(await read({ subject: `${s}.a` }), ['1', '2', '4', '5']);
  // A bare number ends before that sequence (exclusive, as Kafka's endingOffsets); the JSON form includes it.
  assert.deepEqual(await read({ startingOffsets: '2', endingOffsets: '4' }), ['2', '3']);
  assert.deepEqual(await read({ startingOffsets: JSON.stringify({ [s]: 1 }), endingOffsets: JSON.stringify({ [s]: 4 }) }), ['2', '3', '4']);
});

test('nats: option errors fail at load() naming the option', { skip }, async () => {
  const load = (o: Record<string, string>) => () => spark.readStream.format('nats').options(o).load();
  assert.throws(load({ stream: 'x' }), /option\('servers'/);
  assert.throws(load({ servers: NATS_URL }), /option\('stream'/);
  assert.throws(load({ servers: 'http://h:1', stream: 'x' }), /Option 'servers' must list NATS URLs/);
  assert.throws(load({ servers: NATS_URL, stream: 'a.b' }), /Option 'stream' must be a JetStream stream name/);
  assert.throws(load({ servers: NATS_URL, stream: 'x', startingOffsets: 'first' }), /Option 'startingOffsets' must be 'earliest', 'latest'/);
  assert.throws(load({ servers: NATS_URL, stream: 'x', maxMessagesPerTrigger: '0' }), /Option 'maxMessagesPerTrigger' must be a positive integer/);
  assert.throws(load({ servers: NATS_URL, stream: 'x', subject: 'a.>.b' }), /invalid subject filter/);
  assert.throws(() => spark.readStream.format('nats').schema('x INT').option('servers', NATS_URL).option('stream', 'x').load(), /does not support a user-specified schema/);
});

test('nats: a missing stream fails the query naming the stream and how to create it', { skip }, async (t) => {
  const s = uniqueName('missing');
  const name = uniqueName('nats_missing');
  const q = reader(s, { startingOffsets: 'earliest' }).writeStream.format('memory').queryName(name).option('checkpointLocation', checkpoint(t)).start();
  await assert.rejects(q.awaitTermination(20_000), (e: Error) => {
    assert.match(e.message, new RegExp(`stream '${s}' does not exist`));
    assert.match(e.message, /nats stream add/);
    return true;
  });
});

test('nats: bad input: data that is not the JSON from_json expects gives nulls (PERMISSIVE); non-UTF-8 bytes are one row; nothing lost', { skip }, async (t) => {
  const admin = await natsAdmin();
  t.after(() => admin.close());
  const s = uniqueName('BAD');
  await createStream(t, admin, s);
  for (const v of ['{"page":"/a","n":1}', 'not json', new Uint8Array([0xff, 0xfe, 0x41]), '', '{"page":"/b","n":"x"}']) await admin.js.publish(`${s}.v`, v);
  const name = uniqueName('nats_bad');
  const q = reader(s, { startingOffsets: 'earliest' })
    .select('sequence', F.from_json(F.col('data').cast('string'), 'page STRING, n INT').alias('c'), F.length(F.col('data')).alias('len'))
    .select('sequence', 'c.page', 'c.n', 'len')
    .writeStream.format('memory').queryName(name).option('checkpointLocation', checkpoint(t)).start();
  try {
    await q.processAllAvailable();
    assert.deepEqual(await spark.table(name).collectArrays(), [[1, '/a', 1, 19], [2, null, null, 8], [3, null, null, 3], [4, null, null, 0], [5, '/b', null, 21]]);
    assert.equal(q.recentProgress.reduce((n, p) => n + p.numInputRows, 0), 5);
    assert.deepEqual(q.lastProgress!.sources[0]!.endOffset, { [s]: 5 });
  } finally {
    await q.stop();
  }
});
