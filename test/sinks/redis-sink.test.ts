/**
 * The redis sink against the real Redis on 127.0.0.1:6379: XADD and hash
 * modes, exactly-once per batch through the commit key written in the same
 * MULTI/EXEC, df.write's save modes, and option errors at start().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SparkSession, functions as F } from '../../src/index.js';
import { MemoryStream } from '../../src/testing/index.js';
import { batchFromRows } from '../../src/core/batch.js';
import { parseSchema } from '../../src/core/ddl.js';
import { REDIS_SINK } from '../../src/sinks/redis-sink.js';
import type { StreamSink } from '../../src/sinks/sink.js';
import { needService, uniqueName } from '../support/services.js';
import { tempDir } from '../sources/support.js';
import { redisFor, type TestRedis } from '../sources/redis-support.js';

const skip = await needService('redis');
const spark = SparkSession.builder.appName('redis-sink').getOrCreate();

/** The field maps of every entry of `key`, in order. */
async function entries(r: TestRedis, key: string): Promise<Record<string, string>[]> {
  return (await r.xrange(key, '-', '+')).map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i], f[2 * i + 1]])));
}

function sinkFor(options: Record<string, string>, ddl: string): StreamSink {
  return REDIS_SINK.create!({ options, schema: parseSchema(ddl), outputMode: 'append', timeZone: 'UTC' });
}

test('redis sink: writeStream XADDs each row as an entry of stream.key, fields from the columns as text', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('out');
  const input = new MemoryStream(spark, 'page STRING, n BIGINT, x DOUBLE, ok BOOLEAN, ts TIMESTAMP, day DATE, note STRING');
  const q = input.toDF().writeStream.format('redis').option('stream.key', key).option('checkpointLocation', join(tempDir(t), 'ck')).start();
  try {
    input.addData(['home', 7, 1.5, true, new Date(Date.UTC(2024, 2, 1, 10, 0, 0, 250)), '2024-03-01', null]);
    input.addData(['cart', 8, null, false, null, null, 'hi']);
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.deepEqual(await entries(r, key), [
    { page: 'home', n: '7', x: '1.5', ok: 'true', ts: '2024-03-01T10:00:00.250Z', day: '2024-03-01' },
    { page: 'cart', n: '8', ok: 'false', note: 'hi' },
  ]);
  assert.match(q.lastProgress!.sink.description, new RegExp(`RedisSink\\[stream.key=${key}, redis://127.0.0.1:6379/0\\]`));
  await r.del(`spate:commit:${q.id}`);
});

test('redis sink: stream.key.column names each row\'s stream (the column is not a field)', { skip }, async (t) => {
  const r = redisFor(t);
  const a = r.keyOf('sa');
  const b = r.keyOf('sb');
  const df = spark.createDataFrame([[a, 1], [b, 2], [a, 3]], 'stream STRING, v INT');
  await df.write.format('redis').option('stream.key.column', 'stream').mode('append').save();
  assert.deepEqual(await entries(r, a), [{ v: '1' }, { v: '3' }]);
  assert.deepEqual(await entries(r, b), [{ v: '2' }]);
});

test('redis sink: hash mode (spark-redis table / key.column): HSET <table>:<key>, the key not stored as a field; update mode upserts, a null field is removed; ttl expires', { skip }, async (t) => {
  const r = redisFor(t);
  const table = uniqueName('person');
  r.atEnd(async () => { const ks = await r.keys(`${table}:*`); if (ks.length > 0) await r.del(...ks); });
  const input = new MemoryStream(spark, 'name STRING, age INT, city STRING');
  const ck = join(tempDir(t), 'ck');
  const q = input.toDF().writeStream.format('redis').outputMode('update')
    .option('table', table).option('key.column', 'name').option('ttl', 300).option('checkpointLocation', ck).start();
  try {
    input.addData(['John', 30, 'Oslo'], ['Peter', 45, 'Rome']);
    await q.processAllAvailable();
    input.addData(['John', 31, null]);
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  assert.deepEqual(await r.hgetall(`${table}:John`), { age: '31' });
  assert.deepEqual(await r.hgetall(`${table}:Peter`), { age: '45', city: 'Rome' });
  const ttl = await r.ttl(`${table}:Peter`);
  assert.ok(ttl > 0 && ttl <= 300, `ttl ${ttl}`);
  assert.equal(await r.get(`spate:commit:${q.id}`), '1');
  await r.del(`spate:commit:${q.id}`);
  // Without key.column, spark-redis's random key per row.
  await spark.createDataFrame([['x', 1]], 'k STRING, v INT').write.format('redis').option('table', table).mode('append').save();
  const keys = (await r.keys(`${table}:*`)).filter((k) => !k.endsWith(':John') && !k.endsWith(':Peter'));
  assert.equal(keys.length, 1);
  assert.match(keys[0]!, new RegExp(`^${table}:[0-9a-f]{32}$`));
  assert.deepEqual(await r.hgetall(keys[0]!), { k: 'x', v: '1' });
});

test('redis sink: a replayed batch is skipped (its id is in the commit key, written in the same MULTI/EXEC), also by a new sink after a restart', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('replay');
  const queryId = uniqueName('q');
  const commitKey = `spate:commit:${queryId}`;
  r.atEnd(async () => { await r.del(commitKey); });
  const schema = parseSchema('v INT');
  const info = { id: queryId, runId: 'r1', name: null, checkpointDir: '/tmp/x' };
  const s1 = sinkFor({ 'stream.key': key }, 'v INT');
  await s1.open!(info);
  await s1.addBatch(0, batchFromRows(schema, [[1], [2]]), 'append');
  // A crash after EXEC, before the engine's commit log: the engine hands batch 0 to a new run.
  await s1.stop!();
  const s2 = sinkFor({ 'stream.key': key }, 'v INT');
  await s2.open!({ ...info, runId: 'r2' });
  t.after(() => s2.stop!());
  await s2.addBatch(0, batchFromRows(schema, [[1], [2]]), 'append');
  assert.deepEqual(await entries(r, key), [{ v: '1' }, { v: '2' }], 'batch 0 once');
  await s2.addBatch(1, batchFromRows(schema, [[3]]), 'append');
  await s2.addBatch(1, batchFromRows(schema, [[3]]), 'append');
  assert.deepEqual(await entries(r, key), [{ v: '1' }, { v: '2' }, { v: '3' }]);
  assert.equal(await r.get(commitKey), '1');
});

test('redis sink: a large batch is sent in max.pipeline.size chunks inside one transaction: all rows, one commit', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('large');
  const queryId = uniqueName('q');
  r.atEnd(async () => { await r.del(`spate:commit:${queryId}`); });
  const schema = parseSchema('v INT');
  const s = sinkFor({ 'stream.key': key, 'max.pipeline.size': '97' }, 'v INT');
  await s.open!({ id: queryId, runId: 'r', name: null, checkpointDir: '/tmp/x' });
  t.after(() => s.stop!());
  const n = 5000;
  await s.addBatch(0, batchFromRows(schema, Array.from({ length: n }, (_, i) => [i])), 'append');
  const got = (await r.xrange(key, '-', '+')).map(([, f]) => Number(f[1]));
  assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
});

test('redis sink: a target key of another type fails before anything is written, naming the key', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('wrongtype');
  await r.set(key, 'a string');
  const s = sinkFor({ 'stream.key': key }, 'v INT');
  const queryId = uniqueName('q');
  await s.open!({ id: queryId, runId: 'r', name: null, checkpointDir: '/tmp/x' });
  t.after(() => s.stop!());
  await assert.rejects(s.addBatch(0, batchFromRows(parseSchema('v INT'), [[1]]), 'append'), new RegExp(`Key '${key}' holds a string, not a stream`));
  assert.equal(await r.get(`spate:commit:${queryId}`), null);
});

test('redis sink: df.write save modes: errorifexists (default) fails on an existing stream or table, ignore keeps it, overwrite replaces it, append adds', { skip }, async (t) => {
  const r = redisFor(t);
  const key = r.keyOf('modes');
  const df = (v: number) => spark.createDataFrame([[v]], 'v INT');
  await df(1).write.format('redis').option('stream.key', key).save();
  await assert.rejects(df(2).write.format('redis').option('stream.key', key).save(), new RegExp(`Stream '${key}' already exists in Redis; use mode\\('append'\\)`));
  await df(2).write.format('redis').option('stream.key', key).mode('ignore').save();
  await df(3).write.format('redis').option('stream.key', key).mode('append').save();
  assert.deepEqual(await entries(r, key), [{ v: '1' }, { v: '3' }]);
  await df(4).write.format('redis').option('stream.key', key).mode('overwrite').save();
  assert.deepEqual(await entries(r, key), [{ v: '4' }]);

  const table = uniqueName('tbl');
  r.atEnd(async () => { const ks = await r.keys(`${table}:*`); if (ks.length > 0) await r.del(...ks); });
  const people = spark.createDataFrame([['a', 1], ['b', 2]], 'name STRING, n INT');
  await people.write.format('redis').option('table', table).option('key.column', 'name').save();
  await assert.rejects(people.write.format('redis').option('table', table).option('key.column', 'name').save(), /Table '.*' \(key '.*'\) already exists/);
  await spark.createDataFrame([['c', 3]], 'name STRING, n INT').write.format('redis').option('table', table).option('key.column', 'name').mode('overwrite').save();
  assert.deepEqual((await r.keys(`${table}:*`)).sort(), [`${table}:c`]);
  assert.deepEqual(await r.hgetall(`${table}:c`), { n: '3' });
});

test('redis sink: bad options fail at start() naming the option', { skip }, async () => {
  const input = new MemoryStream(spark, 'k STRING, v INT, tags ARRAY<STRING>');
  const start = (o: Record<string, string>, df = input.toDF()) => {
    let w = df.writeStream.format('redis');
    for (const [k, v] of Object.entries(o)) w = w.option(k, v);
    return w.start();
  };
  const plain = input.toDF().select('k', 'v');
  assert.throws(() => start({}, plain), /needs 'stream.key'.*'stream.key.column'.*'table'/);
  assert.throws(() => start({ 'stream.key': 'a', table: 't' }, plain), /either 'table'.*or 'stream.key'/);
  assert.throws(() => start({ table: 't', 'key.column': 'nope' }, plain), /'key.column' names column 'nope', which the query does not have; its columns are k, v/);
  assert.throws(() => start({ 'stream.key': 'a', 'key.column': 'k' }, plain), /'key.column' belongs to hash mode/);
  assert.throws(() => start({ table: 't', model: 'binary' }, plain), /'model' = "binary" is not supported/);
  assert.throws(() => start({ 'stream.key': 'a' }), /Column 'tags' has type ARRAY<STRING>.*to_json\(tags\)/);
  assert.throws(() => start({ 'stream.key': 'a', 'max.pipeline.size': '0' }, plain), /'max.pipeline.size' must be an integer >= 1/);
  void F;
});
