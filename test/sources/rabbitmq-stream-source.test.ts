/**
 * format('rabbitmq').option('stream', ...) against the RabbitMQ on loopback
 * (stream port 5552): offsets, restarts, read limits, starting positions,
 * progress, spark.read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { RABBITMQ_SOURCE } from '../../src/sources/rabbitmq-source.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import { needService, uniqueName } from '../support/services.js';
import { createStream, deleteStream, publish, withChannel } from './rabbitmq-support.js';

const skip = await needService('rabbitmq', 'rabbitmq-stream');
const spark = SparkSession.builder.appName('rabbitmq-stream-source').getOrCreate();
const ck = (): string => mkdtempSync(join(tmpdir(), 'spate-rmq-'));

function reader(stream: string, extra: Record<string, string> = {}) {
  let r = spark.readStream.format('rabbitmq').option('host', '127.0.0.1').option('stream', stream);
  for (const [k, v] of Object.entries(extra)) r = r.option(k, v);
  return r.load();
}

/** Starts body-as-string + offset into a memory table. */
function startQuery(stream: string, table: string, checkpoint: string, extra: Record<string, string> = {}) {
  const df = reader(stream, extra).select(F.col('body').cast('string').alias('v'), F.col('offset'), F.col('stream'));
  return df.writeStream.format('memory').queryName(table).option('checkpointLocation', checkpoint).start();
}

async function rows(table: string): Promise<[string, number][]> {
  return (await spark.table(table).collectArrays()).map((r) => [r[0] as string, r[1] as number]);
}

function lastOffsetFile(checkpoint: string): unknown {
  const dir = join(checkpoint, 'offsets');
  const last = readdirSync(dir).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b).pop()!;
  const lines = readFileSync(join(dir, String(last)), 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

test('schema: body, stream, offset, timestamp; properties columns with includeProperties', { skip }, () => {
  assert.equal(reader('s').schema.fields.map((f) => `${f.name}:${f.dataType.kind}`).join(','), 'body:binary,stream:string,offset:long,timestamp:timestamp');
  const withProps = RABBITMQ_SOURCE.schema({ stream: 's', includeProperties: 'true' }, undefined, 'UTC');
  assert.deepEqual(withProps.fields.map((f) => f.name), ['body', 'stream', 'offset', 'timestamp', 'properties', 'applicationProperties']);
});

test('bad options fail at load() naming the option', { skip }, () => {
  assert.throws(() => reader('s', { startingOffsets: 'yesterday' }), /startingOffsets/);
  assert.throws(() => reader('s', { maxMessagesPerTrigger: '0' }), /maxMessagesPerTrigger/);
  assert.throws(() => spark.readStream.format('rabbitmq').load(), /exactly one of option 'stream'.*'queue'/);
  assert.throws(() => reader('s', { prefetch: '10' }), /prefetch.*queues/);
  assert.throws(() => reader('s', { startingOffsets: '{"other": 1}' }), /names stream 'other'/);
});

test('reads a stream from first: every message once, offsets in the checkpoint as {"stream": next offset}, progress fields', { skip }, async (t) => {
  const s = uniqueName('rmq_src');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['a', 'b', 'c', 'd', 'e']);
  const table = uniqueName('t');
  const checkpoint = ck();
  const q = startQuery(s, table, checkpoint, { startingOffsets: 'first' });
  try {
    await q.processAllAvailable();
    assert.deepEqual(await rows(table), [['a', 0], ['b', 1], ['c', 2], ['d', 3], ['e', 4]]);
    const p = q.recentProgress.find((x) => x.numInputRows > 0)!;
    const src = p.sources[0]!;
    assert.deepEqual(src.endOffset, { [s]: 5 });
    assert.deepEqual(src.latestOffset, { [s]: 5 });
    assert.equal(src.startOffset, null);
    assert.equal(src.numInputRows, 5);
    assert.equal(src.metrics?.maxOffsetsBehindLatest, '0');
    assert.match(src.description, new RegExp(`RabbitMQStream\\[${s} at 127.0.0.1:5552\\]`));
    assert.deepEqual(lastOffsetFile(checkpoint), { [s]: 5 });
  } finally {
    await q.stop();
  }
});

test('restart on the same checkpoint resumes exactly: new messages only, none twice', { skip }, async (t) => {
  const s = uniqueName('rmq_restart');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['1', '2', '3']);
  const table = uniqueName('t');
  const checkpoint = ck();
  let q = startQuery(s, table, checkpoint, { startingOffsets: 'earliest' });
  await q.processAllAvailable();
  await q.stop();
  // The memory sink starts empty on each run: keep what the first run wrote.
  const firstRun = (await rows(table)).map((r) => r[0]);
  await publish(s, ['4', '5']);
  const table2 = uniqueName('t');
  q = startQuery(s, table2, checkpoint, { startingOffsets: 'earliest' });
  try {
    await q.processAllAvailable();
    await publish(s, ['6']);
    await q.processAllAvailable();
    assert.deepEqual(firstRun, ['1', '2', '3']);
    assert.deepEqual((await rows(table2)).map((r) => r[0]), ['4', '5', '6']);
    assert.deepEqual(lastOffsetFile(checkpoint), { [s]: 6 });
  } finally {
    await q.stop();
  }
});

test('maxMessagesPerTrigger: batches of at most N, latestOffset shows the true end, offsets behind latest as metrics', { skip }, async (t) => {
  const s = uniqueName('rmq_limit');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, Array.from({ length: 10 }, (_, i) => `m${i}`));
  const table = uniqueName('t');
  const q = startQuery(s, table, ck(), { startingOffsets: 'first', maxMessagesPerTrigger: '4' });
  try {
    await q.processAllAvailable();
    const batches = q.recentProgress.filter((p) => p.numInputRows > 0);
    assert.deepEqual(batches.map((p) => p.numInputRows), [4, 4, 2]);
    assert.deepEqual(batches[0]!.sources[0]!.endOffset, { [s]: 4 });
    assert.deepEqual(batches[0]!.sources[0]!.latestOffset, { [s]: 10 });
    assert.equal(batches[0]!.sources[0]!.metrics?.avgOffsetsBehindLatest, '6');
    assert.equal((await rows(table)).length, 10);
  } finally {
    await q.stop();
  }
});

test('startingOffsets: next (the default) skips what is there; an offset; per-stream JSON; last; startingTimestamp', { skip }, async (t) => {
  const s = uniqueName('rmq_start');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['old1', 'old2', 'old3']);
  const cases: [Record<string, string>, string[]][] = [
    [{}, ['new']],
    [{ startingOffsets: '1' }, ['old2', 'old3', 'new']],
    [{ startingOffsets: JSON.stringify({ [s]: 2 }) }, ['old3', 'new']],
    [{ startingOffsets: JSON.stringify({ [s]: -2 }) }, ['old1', 'old2', 'old3', 'new']],
  ];
  const queries = cases.map(([opts]) => { const table = uniqueName('t'); return { table, q: startQuery(s, table, ck(), opts) }; });
  try {
    for (const { q } of queries) await q.processAllAvailable();
    await publish(s, ['new']);
    for (let i = 0; i < cases.length; i++) {
      await queries[i]!.q.processAllAvailable();
      assert.deepEqual((await rows(queries[i]!.table)).map((r) => r[0]), cases[i]![1], `case ${JSON.stringify(cases[i]![0])}`);
    }
  } finally {
    for (const { q } of queries) await q.stop();
  }
  // 'last' starts at the last chunk: 'new' was published alone, so its chunk holds it only.
  const tl = uniqueName('t');
  const ql = startQuery(s, tl, ck(), { startingOffsets: 'last' });
  try {
    await ql.processAllAvailable();
    assert.deepEqual((await rows(tl)).map((r) => r[0]), ['new']);
  } finally {
    await ql.stop();
  }
  // A timestamp in the future: nothing yet, then what comes after.
  const tt = uniqueName('t');
  const qt = startQuery(s, tt, ck(), { startingTimestamp: String(Date.now() - 60_000) });
  try {
    await qt.processAllAvailable();
    assert.deepEqual((await rows(tt)).map((r) => r[0]), ['old1', 'old2', 'old3', 'new'], 'a timestamp before every chunk reads from the start');
  } finally {
    await qt.stop();
  }
});

test('getBatch serves the same range again from a fresh source (a replay after a restart)', { skip }, async (t) => {
  const s = uniqueName('rmq_replay');
  await createStream(s);
  t.after(() => deleteStream(s));
  // Several chunks: one publish per message, so offset 3 sits inside the data, not at a chunk start.
  for (let i = 0; i < 3; i++) await publish(s, [`a${i}`, `b${i}`, `c${i}`]);
  const dir = ck();
  const make = () => RABBITMQ_SOURCE.create!({ metadataPath: dir, options: { stream: s, host: '127.0.0.1', startingOffsets: 'first' }, schema: undefined, timeZone: 'UTC', now: () => Date.now() });
  const read = async (src: ReturnType<typeof make>, a: number, b: number) => {
    const batches = await src.getBatch({ [s]: a }, { [s]: b });
    return batches.flatMap((bt) => (bt.columns[0]!.values as Uint8Array[]).map((v) => Buffer.from(v).toString()));
  };
  const one = make();
  const first = await read(one, 4, 8);
  assert.deepEqual(first, ['b1', 'c1', 'a2', 'b2']);
  assert.deepEqual(await read(one, 8, 9), ['c2'], 'continues from the read-ahead buffer');
  await one.stop();
  const two = make();
  assert.deepEqual(await read(two, 4, 8), first, 'the same range from a new source');
  assert.deepEqual(await read(two, 0, 2), ['a0', 'b0'], 'an earlier range again');
  await two.stop();
});

test('a batch larger than readAheadMessages is read whole (credit is granted while the read still waits)', { skip }, async (t) => {
  const s = uniqueName('rmq_big');
  await createStream(s);
  t.after(() => deleteStream(s));
  for (let i = 0; i < 4; i++) await publish(s, Array.from({ length: 5 }, (_, j) => `m${i * 5 + j}`));
  const table = uniqueName('t');
  const q = startQuery(s, table, ck(), { startingOffsets: 'first', readAheadMessages: '3', requestTimeoutMs: '3000', retries: '0' });
  try {
    await q.processAllAvailable();
    assert.deepEqual((await rows(table)).map((r) => r[0]), Array.from({ length: 20 }, (_, i) => `m${i}`));
  } finally {
    await q.stop();
  }
});

test('two streams in one source: offsets per stream, a read limit spread over both', { skip }, async (t) => {
  const a = uniqueName('rmq_a');
  const b = uniqueName('rmq_b');
  await createStream(a);
  await createStream(b);
  t.after(async () => { await deleteStream(a); await deleteStream(b); });
  await publish(a, ['a1', 'a2', 'a3', 'a4']);
  await publish(b, ['b1', 'b2']);
  const table = uniqueName('t');
  const checkpoint = ck();
  const q = startQuery(`${a},${b}`, table, checkpoint, { startingOffsets: 'first', maxMessagesPerTrigger: '3' });
  try {
    await q.processAllAvailable();
    assert.deepEqual((await rows(table)).map((r) => r[0]).sort(), ['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    assert.ok(q.recentProgress.every((p) => p.numInputRows <= 3));
    assert.deepEqual(lastOffsetFile(checkpoint), { [a]: 4, [b]: 2 });
  } finally {
    await q.stop();
  }
});

test('messages published over AMQP 0.9.1 into a stream: body and headers (includeProperties)', { skip }, async (t) => {
  const s = uniqueName('rmq_amqp');
  t.after(() => deleteStream(s));
  await withChannel(async (ch) => {
    await ch.assertQueue(s, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    ch.sendToQueue(s, Buffer.from('{"id":1}'), { headers: { color: 'red', n: 7 }, contentType: 'application/json', messageId: 'm-1' });
    await ch.waitForConfirms();
  });
  const table = uniqueName('t');
  const df = reader(s, { startingOffsets: 'first', includeProperties: 'true' })
    .select(F.col('body').cast('string').alias('v'), F.col('properties'), F.col('applicationProperties'));
  const q = df.writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).start();
  try {
    await q.processAllAvailable();
    const got = await spark.table(table).collectArrays();
    assert.equal(got.length, 1);
    assert.equal(got[0]![0], '{"id":1}');
    const props = got[0]![1] as Map<string, string>;
    assert.equal(props.get('content-type'), 'application/json');
    assert.equal(props.get('message-id'), 'm-1');
    const app = got[0]![2] as Map<string, string>;
    assert.equal(app.get('color'), 'red');
    assert.equal(app.get('n'), '7');
  } finally {
    await q.stop();
  }
});

test('spark.read: the stream from first to its end, as a bounded DataFrame', { skip }, async (t) => {
  const s = uniqueName('rmq_read');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['x', 'y', 'z']);
  const df = spark.read.format('rabbitmq').option('host', '127.0.0.1').option('stream', s).load();
  const got = await df.select(F.col('body').cast('string'), F.col('offset')).collectArrays();
  assert.deepEqual(got, [['x', 0], ['y', 1], ['z', 2]]);
});

test('a stream deleted and created again under a checkpoint: failOnDataLoss names the offsets', { skip }, async (t) => {
  const s = uniqueName('rmq_recreated');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['a', 'b', 'c']);
  const checkpoint = ck();
  let q = startQuery(s, uniqueName('t'), checkpoint, { startingOffsets: 'first' });
  await q.processAllAvailable();
  await q.stop();
  await deleteStream(s);
  await createStream(s);
  await publish(s, ['x']);
  q = startQuery(s, uniqueName('t'), checkpoint, { startingOffsets: 'first' });
  await assert.rejects(q.processAllAvailable(), /ends at offset 1, before the checkpoint's offset 3; it was probably deleted and created again/);
  await q.stop();
});

test('retention removed offsets below the start: failOnDataLoss fails naming them; false skips with a warning', { skip }, async (t) => {
  const s = uniqueName('rmq_loss');
  // Tiny segments and a tiny size limit: the broker drops old segments as new ones are written.
  await createStream(s, { 'max-length-bytes': '400', 'stream-max-segment-size-bytes': '200' });
  t.after(() => deleteStream(s));
  for (let i = 0; i < 40; i++) await publish(s, [`message-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`]);
  const table = uniqueName('t');
  const q = startQuery(s, table, ck(), { startingOffsets: '0' });
  await assert.rejects(q.processAllAvailable(), /DATA_LOSS|no longer in the stream/);
  await q.stop();
  assert.match(String(q.exception()?.message), /offsets 0 to \d+ of stream .* are no longer in the stream.*failOnDataLoss=false/);
  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const table2 = uniqueName('t');
  const q2 = startQuery(s, table2, ck(), { startingOffsets: '0', failOnDataLoss: 'false' });
  try {
    await q2.processAllAvailable();
    const got = await rows(table2);
    assert.ok(got.length > 0 && got.length < 40, `some but not all of the 40 remain (got ${got.length})`);
    assert.equal(got[got.length - 1]![0].slice(0, 11), 'message-039');
    assert.ok(warnings.some((w) => /skipped \(failOnDataLoss=false\)/.test(w)));
  } finally {
    await q2.stop();
  }
});

test('bad input: a body that is not the JSON from_json expects gives nulls (PERMISSIVE); non-UTF-8 bytes and an empty body are one row each; nothing lost', { skip }, async (t) => {
  const s = uniqueName('rmq_bad');
  await createStream(s);
  t.after(() => deleteStream(s));
  await publish(s, ['{"page":"/a","n":1}', 'not json', new Uint8Array([0xff, 0xfe, 0x41]), '', '{"page":"/b","n":"x"}']);
  const table = uniqueName('rmq_bad_t');
  const q = reader(s, { startingOffsets: 'first' })
    .select('offset', F.from_json(F.col('body').cast('string'), 'page STRING, n INT').alias('c'), F.length(F.col('body')).alias('len'))
    .select('offset', 'c.page', 'c.n', 'len')
    .writeStream.format('memory').queryName(table).option('checkpointLocation', ck()).start();
  try {
    await q.processAllAvailable();
    assert.deepEqual(await spark.table(table).collectArrays(), [[0, '/a', 1, 19], [1, null, null, 8], [2, null, null, 3], [3, null, null, 0], [4, '/b', null, 21]]);
    assert.equal(q.recentProgress.reduce((n, p) => n + p.numInputRows, 0), 5);
  } finally {
    await q.stop();
  }
});
