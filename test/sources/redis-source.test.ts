/**
 * The redis source against the real Redis on 127.0.0.1:6379: entry ids as
 * offsets, replay by XRANGE, restarts, several keys, the read limit, user
 * schemas, trimmed streams, missing keys, progress and spark.read. Cases
 * ported from spark-redis's RedisStreamSourceSuite are marked so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import type { StructType } from '../../src/core/types.js';
import { createSource, streamSourceSchema } from '../../src/sources/index.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';
import type { Offset, ReadLimit, StreamSource } from '../../src/sources/source.js';
import { needService } from '../support/services.js';
import { makeCtx, rowsOf, tempDir } from './support.js';
import { addEntries, redisFor } from './redis-support.js';

const skip = await needService('redis');
const spark = SparkSession.builder.appName('redis-source').getOrCreate();
const all: ReadLimit = { kind: 'all' };

function source(options: Record<string, string>, ddl?: string): StreamSource {
  const user = ddl === undefined ? undefined : userSchemaOf(ddl);
  return createSource('redis', makeCtx('', options, streamSourceSchema('redis', options, user, 'UTC')));
}

function userSchemaOf(ddl: string): StructType {
  return spark.readStream.format('redis').option('stream.keys', 'x').schema(ddl).load().schema;
}

async function next(s: StreamSource, start: Offset | null, limit: ReadLimit = all): Promise<{ end: Offset | null; rows: unknown[][] }> {
  const end = await s.latestOffset(start, limit);
  if (end === null || JSON.stringify(end) === JSON.stringify(start)) return { end, rows: [] };
  return { end, rows: rowsOf(await s.getBatch(start, end)) };
}

test('redis source: offsets are {key: last entry id}; getBatch replays any reported range by XRANGE, also from a new source object', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('clicks');
  const ids = await addEntries(r, key, [{ page: 'a' }, { page: 'b' }]);
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest' }, 'page STRING, _id STRING');
  t.after(() => s.stop());
  const b0 = await next(s, null);
  assert.deepEqual(b0.end, { [key]: ids[1] });
  assert.deepEqual(b0.rows, [['a', ids[0]], ['b', ids[1]]]);
  assert.deepEqual(await next(s, b0.end), { end: b0.end, rows: [] });
  const more = await addEntries(r, key, [{ page: 'c' }]);
  const b1 = await next(s, b0.end);
  assert.deepEqual(b1, { end: { [key]: more[0] }, rows: [['c', more[0]]] });
  // A restart: a new source serves both ranges again, exactly.
  const s2 = source({ 'stream.keys': key, startingOffsets: 'earliest' }, 'page STRING, _id STRING');
  t.after(() => s2.stop());
  assert.deepEqual(rowsOf(await s2.getBatch(null, b0.end!)), b0.rows);
  assert.deepEqual(rowsOf(await s2.getBatch(b0.end, b1.end!)), b1.rows);
});

test('redis source: the default schema is _id, _stream, _timestamp, _fields (spark-redis maps fields to a user schema plus _id)', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('deflt');
  const [id] = await addEntries(r, key, [{ 'sensor-id': '1', temperature: '28.1' }]);
  const df = spark.readStream.format('redis').option('stream.keys', key).option('startingOffsets', 'earliest').load();
  assert.equal(df.schema.fields.map((f) => `${f.name} ${f.dataType.kind}`).join(', '), '_id string, _stream string, _timestamp timestamp, _fields map');
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest' });
  t.after(() => s.stop());
  const { rows } = await next(s, null);
  assert.equal(rows.length, 1);
  const [rid, stream, ts, fields] = rows[0]!;
  assert.equal(rid, id);
  assert.equal(stream, key);
  assert.equal(ts, Number(id!.split('-')[0]) * 1000, 'the id\'s milliseconds, as microseconds');
  assert.deepEqual(fields, new Map([['sensor-id', '1'], ['temperature', '28.1']]));
});

test('redis source: startingOffsets latest (the default, as spark-redis) reads only entries added after the start', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('latest');
  await addEntries(r, key, [{ v: 'old' }]);
  const s = source({ 'stream.keys': key }, 'v STRING');
  t.after(() => s.stop());
  const b0 = await next(s, null);
  assert.deepEqual(b0.rows, []);
  const [id] = await addEntries(r, key, [{ v: 'new' }]);
  const b1 = await next(s, b0.end);
  assert.deepEqual(b1, { end: { [key]: id }, rows: [['new']] });
  // Replaying the first batch (a restart before its commit) still holds nothing of the latest-positioned key.
  assert.deepEqual(rowsOf(await source({ 'stream.keys': key }, 'v STRING').getBatch(null, b0.end!)), []);
});

test('redis source: stream.offsets in spark-redis\'s JSON and the short form start after the given id (RedisStreamSourceSuite: read from offset)', { skip }, async (t) => {
  const r = redisFor(t);
  const a = r.keyOf('offa');
  const b = r.keyOf('offb');
  const ia = await addEntries(r, a, [{ v: 'a1' }, { v: 'a2' }, { v: 'a3' }]);
  const ib = await addEntries(r, b, [{ v: 'b1' }, { v: 'b2' }]);
  const sparkForm = JSON.stringify({ offsets: { [a]: { groupName: 'redis-source', offset: ia[0] } } });
  const s = source({ 'stream.keys': `${a},${b}`, 'stream.offsets': sparkForm, startingOffsets: 'earliest' }, 'v STRING');
  t.after(() => s.stop());
  assert.deepEqual((await next(s, null)).rows, [['a2'], ['a3'], ['b1'], ['b2']]);
  const s2 = source({ 'stream.keys': `${a},${b}`, 'stream.offsets': JSON.stringify({ [a]: ia[2], [b]: '0-0' }) }, 'v STRING');
  t.after(() => s2.stop());
  const got = await next(s2, null);
  assert.deepEqual(got.rows, [['b1'], ['b2']]);
  assert.deepEqual(got.end, { [a]: ia[2], [b]: ib[1] }, 'keys in the order of stream.keys');
  assert.throws(() => source({ 'stream.keys': a, 'stream.offsets': '{"other":"1-0"}' }), /stream.offsets' names stream 'other', which is not in 'stream.keys'/);
  assert.throws(() => source({ 'stream.keys': a, 'stream.offsets': '{"x":' }), /stream.offsets' is not valid JSON/);
  assert.throws(() => source({ 'stream.keys': a, 'stream.offsets': JSON.stringify({ [a]: 'soon' }) }), /must be 'earliest', 'latest' or an entry id/);
});

test('redis source: maxEntriesPerTrigger splits each batch fairly over the keys; every entry is read once', { skip }, async (t) => {
  const r = redisFor(t);
  const busy = r.keyOf('busy');
  const quiet = r.keyOf('quiet');
  await addEntries(r, busy, Array.from({ length: 20 }, (_, i) => ({ n: i })));
  await addEntries(r, quiet, [{ n: 100 }, { n: 101 }]);
  const opts = { 'stream.keys': `${busy},${quiet}`, startingOffsets: 'earliest', maxEntriesPerTrigger: '6', 'stream.read.batch.size': '2' };
  const s = source(opts, 'n INT, _stream STRING');
  t.after(() => s.stop());
  assert.deepEqual(s.defaultReadLimit!(), { kind: 'maxRows', rows: 6 });
  const limit = s.defaultReadLimit!();
  const b0 = await next(s, null, limit);
  // 6 split over two keys: 3 each, but the quiet key has only 2, so the busy one gets the rest.
  assert.deepEqual(b0.rows.filter((x) => x[1] === quiet).map((x) => x[0]), [100, 101]);
  assert.deepEqual(b0.rows.filter((x) => x[1] === busy).map((x) => x[0]), [0, 1, 2, 3]);
  const seen: number[] = b0.rows.map((x) => x[0] as number);
  let end = b0.end;
  for (let i = 0; i < 10; i++) {
    const b = await next(s, end, limit);
    if (b.rows.length === 0) break;
    assert.ok(b.rows.length <= 6);
    seen.push(...b.rows.map((x) => x[0] as number));
    // A replay of the same range (a new source: no prefetched entries) gives the same rows.
    const again = source(opts, 'n INT, _stream STRING');
    assert.deepEqual(rowsOf(await again.getBatch(end, b.end!)), b.rows);
    await again.stop();
    end = b.end;
  }
  assert.deepEqual(seen.sort((x, y) => x - y), [...Array.from({ length: 20 }, (_, i) => i), 100, 101]);
});

test('redis source: a user schema casts field strings; a value that does not parse is null and the entry goes to _corrupt_record (PERMISSIVE), FAILFAST and DROPMALFORMED as Spark', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('typed');
  await addEntries(r, key, [
    { page: 'home', ts: '2024-03-01 10:00:00', n: '7', ok: 'true', x: '1.5' },
    { page: 'cart', ts: 'yesterday', n: 'seven', ok: 'maybe' },
    { page: 'help' },
  ]);
  const ddl = 'page STRING, ts TIMESTAMP, n INT, ok BOOLEAN, x DOUBLE, _corrupt_record STRING';
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest' }, ddl);
  t.after(() => s.stop());
  const { rows, end } = await next(s, null);
  assert.deepEqual(rows[0], ['home', Date.UTC(2024, 2, 1, 10) * 1000, 7, true, 1.5, null]);
  assert.deepEqual(rows[1]!.slice(0, 5), ['cart', null, null, null, null]);
  assert.deepEqual(JSON.parse(rows[1]![5] as string), { page: 'cart', ts: 'yesterday', n: 'seven', ok: 'maybe' }, 'nothing lost: the raw fields');
  assert.deepEqual(rows[2], ['help', null, null, null, null, null], 'missing fields are null, not malformed');

  const drop = source({ 'stream.keys': key, startingOffsets: 'earliest', mode: 'DROPMALFORMED' }, 'page STRING, n INT');
  t.after(() => drop.stop());
  assert.deepEqual(rowsOf(await drop.getBatch(null, end!)), [['home', 7], ['help', null]]);
  const fail = source({ 'stream.keys': key, startingOffsets: 'earliest', mode: 'FAILFAST' }, 'page STRING, n INT');
  t.after(() => fail.stop());
  await assert.rejects(fail.getBatch(null, end!), (e: Error) => e.message.includes(`Stream '${key}'`) && /field 'n' = "seven" is not a valid INT \(mode FAILFAST\)/.test(e.message));
  assert.throws(() => userSchemaOf('tags ARRAY<STRING>'), /Column 'tags' has type ARRAY<STRING>, but a Redis stream field is a string/);
  assert.throws(() => userSchemaOf('_id INT'), /Column '_id' of the redis source is the entry's id and must be STRING/);
});

test('redis source: STRING fields are dictionary-encoded while they repeat, and plain strings past 4096 distinct values; nulls kept either way', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('dict');
  const items: Record<string, string>[] = Array.from({ length: 6000 }, (_, i): Record<string, string> => (i % 7 === 3 ? { other: 'x' } : { few: `f${i % 5}`, many: `m${i}` }));
  await addEntries(r, key, items);
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest', 'stream.read.batch.size': '700' }, 'few STRING, many STRING');
  t.after(() => s.stop());
  const end = await s.latestOffset(null, all);
  const [batch] = await s.getBatch(null, end!);
  assert.ok(batch!.columns[0]!.dictionary !== undefined, 'few distinct values: a dictionary');
  assert.equal(batch!.columns[1]!.dictionary, undefined, 'many distinct values: plain strings');
  assert.deepEqual(rowsOf([batch!]), items.map((it) => [it.few ?? null, it.many ?? null]));
  const counts = await spark.readStream.format('redis').option('stream.keys', key).option('startingOffsets', 'earliest').schema('few STRING').load()
    .groupBy('few').count().writeStream.format('memory').queryName('redis_dict_counts').outputMode('complete').start();
  try {
    await counts.processAllAvailable();
  } finally {
    await counts.stop();
  }
  const got = Object.fromEntries((await spark.table('redis_dict_counts').collectArrays()).map((x) => [String(x[0]), x[1]]));
  const want: Record<string, number> = {};
  for (const it of items) { const k = it.few ?? 'null'; want[k] = (want[k] ?? 0) + 1; }
  assert.deepEqual(got, want);
});

test('redis source: entries trimmed below the offset fail the query naming key and ids (failOnDataLoss, default true); with false, a warning and the rest is read', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('trim');
  const ids = await addEntries(r, key, Array.from({ length: 6 }, (_, i) => ({ n: i })));
  const start = { [key]: ids[0]! };
  await r.xtrim(key, 'MAXLEN', 2); // removes n=0..3: n=1..3 were never read
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest' }, 'n INT');
  t.after(() => s.stop());
  await assert.rejects(s.getBatch(start, { [key]: ids[5]! }), (e: Error & { code?: string }) =>
    e.code === 'REDIS_DATA_LOSS' && e.message.includes(`Stream '${key}': entries after ${ids[0]}`) && e.message.includes('trimmed past the offset') &&
    e.message.includes(`the first now is ${ids[4]}`) && e.message.includes("failOnDataLoss to 'false'"));
  // Under a read limit the check happens when the offsets are computed.
  await assert.rejects(s.latestOffset(start, { kind: 'maxRows', rows: 10 }), /REDIS_DATA_LOSS|were removed before they were read/);

  const warnings: string[] = [];
  const prev = setSourceWarningHandler((m) => warnings.push(m));
  t.after(() => setSourceWarningHandler(prev));
  const lenient = source({ 'stream.keys': key, startingOffsets: 'earliest', failOnDataLoss: 'false' }, 'n INT');
  t.after(() => lenient.stop());
  assert.deepEqual(rowsOf(await lenient.getBatch(start, { [key]: ids[5]! })), [[4], [5]]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`Stream '${key}': entries after ${ids[0]}.*Going on with the entries that are left`));
  // Earliest on a stream trimmed before the query began is no loss.
  assert.deepEqual((await next(s, null)).rows, [[4], [5]]);
  // XDEL of an entry after the offset is a loss too.
  await r.xdel(key, ids[5]!);
  await assert.rejects(s.getBatch({ [key]: ids[4]! }, { [key]: ids[5]! }), new RegExp(`entry ${ids[5]}, after the offset, was deleted \\(XDEL\\)`));
});

test('redis source: MAXLEN trimming of entries already read is no loss; trimming unread ones is (counted by entries-added within a run)', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('maxlen');
  await r.xadd(key, 'MAXLEN', '1', '*', 'n', '1');
  const s = source({ 'stream.keys': key, startingOffsets: 'earliest' }, 'n INT');
  t.after(() => s.stop());
  const b0 = await next(s, null);
  assert.deepEqual(b0.rows, [[1]]);
  await r.xadd(key, 'MAXLEN', '1', '*', 'n', '2'); // trims n=1, which was read
  const b1 = await next(s, b0.end);
  assert.deepEqual(b1.rows, [[2]]);
  await r.xadd(key, 'MAXLEN', '1', '*', 'n', '3');
  await r.xadd(key, 'MAXLEN', '1', '*', 'n', '4'); // trims n=3, never read
  await assert.rejects(next(s, b1.end), /2 entries were added after the offset but only 1 are left/);
});

test('redis source: a missing key reads as empty until it appears, then from its first entry (spark-redis skips a key that does not exist)', { skip }, async (t) => {
  const r = redisFor(t);
  const present = r.keyOf('present');
  const missing = r.keyOf('missing');
  await addEntries(r, present, [{ v: 'p' }]);
  const s = source({ 'stream.keys': `${present},${missing}` }, 'v STRING');
  t.after(() => s.stop());
  const b0 = await next(s, null);
  assert.deepEqual(b0.end, { [present]: (await r.xrange(present, '-', '+'))[0]![0], [missing]: '0-0' });
  assert.deepEqual(s.reportLatestOffset!(), b0.end);
  const [id] = await addEntries(r, missing, [{ v: 'm' }]);
  const b1 = await next(s, b0.end);
  assert.deepEqual(b1.rows, [['m']], 'the new key is read from its first entry, even though startingOffsets is latest');
  assert.equal((b1.end as Record<string, string>)[missing], id);
  await r.set(present, 'not a stream');
  await assert.rejects(s.latestOffset(b1.end, all), /WRONGTYPE|holds/);
});

test('redis source: end to end, a restart on the same checkpoint resumes exactly after the logged ids; progress shows start, end, latest and entries behind', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('e2e');
  const other = r.keyOf('e2e_other');
  const ck = join(tempDir(t), 'ck');
  await addEntries(r, key, Array.from({ length: 10 }, (_, i) => ({ page: `p${i % 3}` })));
  const start = (name: string) => spark.readStream.format('redis')
    .option('stream.keys', `${key},${other}`).option('startingOffsets', 'earliest').option('maxEntriesPerTrigger', 4)
    .schema('page STRING').load()
    .groupBy('page').count()
    .writeStream.format('memory').queryName(name).outputMode('complete').option('checkpointLocation', ck).start();
  const q1 = start('redis_e2e_1');
  try {
    await q1.processAllAvailable();
  } finally {
    await q1.stop();
  }
  const counts = async (name: string) => Object.fromEntries((await spark.table(name).collectArrays()).map((x) => [x[0], x[1]]));
  assert.deepEqual(await counts('redis_e2e_1'), { p0: 4, p1: 3, p2: 3 });
  const batches = q1.recentProgress.filter((p) => p.numInputRows > 0);
  assert.deepEqual(batches.map((p) => p.numInputRows), [4, 4, 2]);
  const p0 = batches[0]!.sources[0]!;
  const ids = (await r.xrange(key, '-', '+')).map((e) => e[0]);
  assert.equal(p0.startOffset, null);
  assert.deepEqual(p0.endOffset, { [key]: ids[3], [other]: '0-0' });
  assert.deepEqual(p0.latestOffset, { [key]: ids[9], [other]: '0-0' });
  assert.deepEqual(p0.metrics, { avgEntriesBehindLatest: '3', maxEntriesBehindLatest: '6', minEntriesBehindLatest: '0' });
  assert.match(p0.description, new RegExp(`RedisStreamSource\\[stream.keys=${key},${other}, redis://127.0.0.1:6379/0\\]`));
  // The checkpoint holds the documented JSON form.
  const last = readFileSync(join(ck, 'offsets', String(q1.lastProgress!.batchId)), 'utf8').trim().split('\n');
  assert.deepEqual(JSON.parse(last[last.length - 1]!), { [key]: ids[9], [other]: '0-0' });

  await addEntries(r, key, [{ page: 'p0' }]);
  await addEntries(r, other, [{ page: 'p9' }]);
  const q2 = start('redis_e2e_2');
  try {
    await q2.processAllAvailable();
  } finally {
    await q2.stop();
  }
  assert.deepEqual(await counts('redis_e2e_2'), { p0: 5, p1: 3, p2: 3, p9: 1 });
  assert.equal(q2.recentProgress.reduce((s2, p) => s2 + p.numInputRows, 0), 2, 'only the two new entries are read after the restart');
});

test('redis source: spark.read.format("redis") reads what the streams hold now, from earliest by default; endingOffsets bounds it', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('batch');
  const ids = await addEntries(r, key, [{ v: '1' }, { v: '2' }, { v: '3' }]);
  const df = spark.read.format('redis').option('stream.keys', key).schema('v INT, _id STRING').load();
  assert.deepEqual(await df.collectArrays(), [[1, ids[0]], [2, ids[1]], [3, ids[2]]]);
  const sum = await spark.read.format('redis').option('stream.keys', key).option('stream.offsets', JSON.stringify({ [key]: ids[0] }))
    .option('endingOffsets', JSON.stringify({ [key]: ids[1] })).schema('v INT').load().agg(F.sum('v')).collectArrays();
  assert.deepEqual(sum, [[2]]);
  const plain = await spark.read.format('redis').option('stream.keys', key).load().select('_stream').collectArrays();
  assert.deepEqual(plain, [[key], [key], [key]]);
});

test('redis source: options are checked at load() with the option named', { skip }, () => {
  const load = (o: Record<string, string>) => { let w = spark.readStream.format('redis'); for (const [k, v] of Object.entries(o)) w = w.option(k, v); return w.load(); };
  assert.throws(() => load({}), /needs option 'stream.keys'/);
  assert.throws(() => load({ 'stream.keys': 'a,,b' }), /empty key/);
  assert.throws(() => load({ 'stream.keys': 'a', 'stream.read.batch.size': '0' }), /'stream.read.batch.size' must be a positive integer/);
  assert.throws(() => load({ 'stream.keys': 'a', maxEntriesPerTrigger: 'many' }), /'maxEntriesPerTrigger' must be a positive integer/);
  assert.throws(() => load({ 'stream.keys': 'a', 'stream.parallelism': '4' }), /'stream.parallelism' = 4 is not supported/);
  assert.throws(() => load({ 'stream.keys': 'a', port: '99999' }), /'port' must be a port number/);
  assert.throws(() => load({ 'stream.keys': 'a', url: 'http://x' }), /'url' must be a redis:\/\/ or rediss:\/\/ URL/);
  assert.throws(() => load({ 'stream.keys': 'a', failOnDataLoss: 'maybe' }), /'failOnDataLoss' must be 'true' or 'false'/);
});

test('redis source: bad input: a field that is not the JSON from_json expects gives nulls (PERMISSIVE); non-UTF-8 bytes are one row with U+FFFD (a typed column: null, raw fields in _corrupt_record); nothing lost', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('badinput');
  await addEntries(r, key, [{ value: '{"page":"/a","n":1}' }, { value: 'not json' }]);
  await r.xadd(key, '*', 'value', Buffer.from([0xff, 0xfe, 0x41]), 'n', Buffer.from([0x31, 0xc3]));
  await addEntries(r, key, [{ other: 'x' }, { value: '{"page":"/b","n":"two"}' }, { value: '{"page":"/c","n":3}' }]);
  const name = 'redis_bad_input';
  const q = spark.readStream.format('redis').option('stream.keys', key).option('startingOffsets', 'earliest')
    .schema('_id STRING, value STRING, n INT, _corrupt_record STRING').load()
    .select('_id', F.from_json(F.col('value'), 'page STRING, n INT').alias('c'), F.col('value'), F.col('n'), F.col('_corrupt_record'))
    .select('_id', 'c.page', 'c.n', 'value', F.col('n').alias('field_n'), '_corrupt_record')
    .writeStream.format('memory').queryName(name).option('checkpointLocation', join(tempDir(t), 'ck')).start();
  try {
    await q.processAllAvailable();
    const rows = await spark.table(name).collectArrays();
    const ids = (await r.xrange(key, '-', '+')).map((e) => e[0]);
    assert.deepEqual(rows.map((x) => x[0]), ids, 'every entry is one row, in order');
    assert.deepEqual(rows.map((x) => x.slice(1, 3)), [['/a', 1], [null, null], [null, null], [null, null], ['/b', null], ['/c', 3]]);
    assert.equal(rows[2]![3], '\ufffd\ufffdA', 'bytes that are not UTF-8 are replaced, the rest kept');
    assert.equal(rows[2]![4], null, "'1\\xc3' is not an INT");
    assert.deepEqual(JSON.parse(rows[2]![5] as string), { value: '\ufffd\ufffdA', n: '1\ufffd' }, 'PERMISSIVE keeps the raw fields');
    assert.equal(rows[3]![3], null, 'a missing field is null');
    assert.equal(q.lastProgress!.sources[0]!.numInputRows, 6);
  } finally {
    await q.stop();
  }
});

test('redis source: a key that is not a stream fails at once with REDIS_WRONG_TYPE naming the key (not as an outage)', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('not_a_stream');
  await r.set(key, 'x');
  await assert.rejects(spark.read.format('redis').option('stream.keys', key).load().collectArrays(), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'REDIS_WRONG_TYPE');
    assert.match(e.message, new RegExp(`Key '${key}' is not a stream \\(WRONGTYPE`));
    assert.doesNotMatch(e.message, /Check that Redis is running/);
    return true;
  });
  const q = spark.readStream.format('redis').option('stream.keys', key).option('retries', 3).load()
    .writeStream.format('memory').queryName('redis_wrong_type').option('checkpointLocation', join(tempDir(t), 'ck')).start();
  await assert.rejects(q.awaitTermination(), (e: Error) => /REDIS_WRONG_TYPE|is not a stream/.test(`${(e as { code?: string }).code} ${e.message}`) && !/tries/.test(e.message));
});
