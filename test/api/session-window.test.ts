// Session windows in batch queries: Spark's DataFrameSessionWindowingSuite answers, in spate's DSL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F, type DataFrame } from '../../src/index.js';

const spark = SparkSession.builder.appName('session-window-batch').getOrCreate();
const at = (hms: string) => new Date(`2016-03-27T${hms}Z`);
/** A session_window value as collect() gives it. */
const s = (start: string, end: string) => ({ start: at(start), end: at(end) });

const events = (rows: [string | null, number, string][]): DataFrame =>
  spark.createDataFrame(rows.map(([t, v, id]) => [t === null ? null : at(t), v, id]), 'time TIMESTAMP, value INT, id STRING');

/** Spark's temp table of the dynamic-gap tests: a per-row gap in a string column. */
const withDuration = () => spark.createDataFrame(
  [[at('19:39:34'), 1, '10 seconds'], [at('19:39:56'), 2, '20 seconds'], [at('19:39:27'), 4, '30 seconds']],
  'time TIMESTAMP, value INT, duration STRING');

async function sessionsByStart(df: DataFrame): Promise<Record<string, unknown>[]> {
  return df.orderBy('session_window.start').collect() as Promise<Record<string, unknown>[]>;
}

test('a single record opens a session [t, t + gap]', async () => {
  const rows = await sessionsByStart(events([['19:39:30', 1, 'a']]).groupBy(F.session_window('time', '10 seconds')).agg(F.count('*').alias('counts')));
  assert.deepEqual(rows, [{ session_window: s('19:39:30', '19:39:40'), counts: 1 }]);
});

test('groupBy(session_window) alone: overlapping sessions of all rows merge', async () => {
  const df = events([['19:39:34', 1, 'a'], ['19:39:56', 2, 'a'], ['19:39:27', 4, 'b']]);
  const rows = await sessionsByStart(df.groupBy(F.session_window('time', '10 seconds')).agg(F.count('*').alias('counts')));
  assert.deepEqual(rows, [{ session_window: s('19:39:27', '19:39:44'), counts: 2 }, { session_window: s('19:39:56', '19:40:06'), counts: 1 }]);
});

const multi = () => events([
  ['19:39:34', 1, 'a'], ['19:39:39', 1, 'a'], ['19:39:56', 2, 'a'], ['19:40:04', 2, 'a'], ['19:39:27', 4, 'b'],
]);

test('with other grouping keys, sessions merge per key', async () => {
  const rows = await sessionsByStart(multi().groupBy(F.session_window('time', '10 seconds'), 'id').agg(F.count('*').alias('counts'), F.sum('value').alias('sum')));
  assert.deepEqual(rows, [
    { session_window: s('19:39:27', '19:39:37'), id: 'b', counts: 1, sum: 4 },
    { session_window: s('19:39:34', '19:39:49'), id: 'a', counts: 2, sum: 2 },
    { session_window: s('19:39:56', '19:40:14'), id: 'a', counts: 2, sum: 4 },
  ]);
});

test('aggregates may read the session column: each row its own session, whose min start and max end are the merged ones', async () => {
  const rows = await multi().groupBy('id', F.session_window('time', '10 seconds'))
    .agg(F.max(F.col('session_window.end')).alias('last'), F.min(F.col('session_window.start')).alias('first'), F.countDistinct(F.col('session_window')).alias('own'))
    .orderBy('first').collect();
  assert.deepEqual(rows.map((r) => [r.id, r.first, r.last, r.own]), [
    ['b', at('19:39:27'), at('19:39:37'), 1], ['a', at('19:39:34'), at('19:39:49'), 2], ['a', at('19:39:56'), at('19:40:14'), 2],
  ]);
});

test('distinct aggregates per session', async () => {
  const rows = await sessionsByStart(multi().groupBy(F.session_window('time', '10 seconds'), 'id').agg(F.count('*').alias('counts'), F.sumDistinct('value').alias('sum')));
  assert.deepEqual(rows.map((r) => [r.id, r.counts, r.sum]), [['b', 1, 4], ['a', 2, 1], ['a', 2, 2]]);
});

test('keys whose sessions overlap in time stay apart', async () => {
  const df = events([['19:39:34', 1, 'a'], ['19:39:39', 1, 'b'], ['19:39:40', 2, 'a'], ['19:39:45', 2, 'b'], ['19:39:27', 4, 'b']]);
  const rows = await sessionsByStart(df.groupBy(F.session_window('time', '10 seconds'), 'id').agg(F.count('*').alias('counts'), F.sum('value').alias('sum')));
  assert.deepEqual(rows, [
    { session_window: s('19:39:27', '19:39:37'), id: 'b', counts: 1, sum: 4 },
    { session_window: s('19:39:34', '19:39:50'), id: 'a', counts: 2, sum: 3 },
    { session_window: s('19:39:39', '19:39:55'), id: 'b', counts: 2, sum: 3 },
  ]);
});

test('null keys are one group, and a null time drops the row', async () => {
  const df = spark.createDataFrame([[at('19:39:30'), null], [at('19:39:35'), null], [null, null], [at('19:39:31'), 'x']], 'time TIMESTAMP, id STRING');
  const rows = await df.groupBy(F.session_window('time', '10 seconds'), 'id').count().orderBy('id').collect();
  assert.deepEqual(rows, [{ session_window: s('19:39:30', '19:39:45'), id: null, count: 2 }, { session_window: s('19:39:31', '19:39:41'), id: 'x', count: 1 }]);
});

test('in a select, each row has its own session (no merging), and rows with a null time are dropped', async () => {
  const df = events([['19:39:34', 1, 'a'], ['19:39:56', 2, 'a'], ['19:39:27', 4, 'b'], [null, 3, 'c']]);
  const rows = await sessionsByStart(df.select(F.session_window('time', '10 seconds'), 'value'));
  assert.deepEqual(rows, [
    { session_window: s('19:39:27', '19:39:37'), value: 4 },
    { session_window: s('19:39:34', '19:39:44'), value: 1 },
    { session_window: s('19:39:56', '19:40:06'), value: 2 },
  ]);
  const aliased = await df.select(F.session_window('time', '10 seconds').alias('session'), 'value').orderBy('session.start').collect();
  assert.deepEqual(aliased.map((r) => r.value), [4, 1, 2]);
});

test('session_window with explode in one select', async () => {
  const df = spark.createDataFrame([[at('19:39:34'), 1, ['a', 'b']], [at('19:39:56'), 2, ['a', 'c', 'd']]], 'time TIMESTAMP, value INT, ids ARRAY<STRING>');
  const rows = await df.select(F.session_window('time', '10 seconds'), 'value', F.explode('ids')).orderBy('session_window.start').collect();
  assert.deepEqual(rows.map((r) => r.value), [1, 1, 2, 2, 2]);
});

test('a per-row gap from a string column, and through expr() (Spark SPARK-36465)', async () => {
  const rows = await withDuration().select(F.session_window('time', F.col('duration')), 'value').orderBy('session_window.start').collect();
  assert.deepEqual(rows, [
    { session_window: s('19:39:27', '19:39:57'), value: 4 },
    { session_window: s('19:39:34', '19:39:44'), value: 1 },
    { session_window: s('19:39:56', '19:40:16'), value: 2 },
  ]);
  const viaSql = await withDuration().selectExpr('session_window(time, duration) AS w', 'value').orderBy('value').collect();
  assert.deepEqual(viaSql.map((r) => r.w), [s('19:39:34', '19:39:44'), s('19:39:56', '19:40:16'), s('19:39:27', '19:39:57')]);
});

test('a conditional gap: CASE WHEN in SQL and when()/otherwise()', async () => {
  const expected = [s('19:39:27', '19:39:47'), s('19:39:34', '19:39:36'), s('19:39:56', '19:40:06')];
  const sql = await withDuration()
    .selectExpr("session_window(time, CASE WHEN value = 1 THEN '2 seconds' WHEN value = 2 THEN '10 seconds' ELSE '20 seconds' END) AS session_window")
    .orderBy('session_window.start').collect();
  assert.deepEqual(sql.map((r) => r.session_window), expected);
  const gap = F.when(F.col('value').equalTo(1), '2 seconds').when(F.col('value').equalTo(2), '10 seconds').otherwise('20 seconds');
  const api = await withDuration().select(F.session_window('time', gap)).orderBy('session_window.start').collect();
  assert.deepEqual(api.map((r) => r.session_window), expected);
});

test('rows with a zero, negative, null or unreadable per-row gap are dropped', async () => {
  const gap = F.when(F.col('value').equalTo(1), '0 seconds').when(F.col('value').equalTo(2), '-10 seconds').otherwise('5 seconds');
  const rows = await withDuration().groupBy(F.session_window('time', gap)).agg(F.count('*').alias('counts')).collect();
  assert.deepEqual(rows, [{ session_window: s('19:39:27', '19:39:32'), counts: 1 }]);
  // value 2: unreadable; value 4: no branch, so a null gap.
  const bad = F.when(F.col('value').equalTo(1), '2 seconds').when(F.col('value').equalTo(2), 'invalid gap duration');
  const kept = await withDuration().groupBy(F.session_window('time', bad)).count().collect();
  assert.deepEqual(kept, [{ session_window: s('19:39:34', '19:39:36'), count: 1 }]);
});

test('a per-row gap merges sessions of different lengths', async () => {
  // 10 s after 19:39:00 reaches 19:39:10, where a 1 s row starts; then 19:39:11 touches that one's end.
  const df = spark.createDataFrame([[at('19:39:00'), '10 seconds'], [at('19:39:10'), '1 second'], [at('19:39:11'), '1 minute'], [at('19:41:00'), '1 second']], 'time TIMESTAMP, gap STRING');
  const rows = await df.groupBy(F.session_window('time', F.col('gap'))).count().orderBy('session_window.start').collect();
  assert.deepEqual(rows, [{ session_window: s('19:39:00', '19:40:11'), count: 3 }, { session_window: s('19:41:00', '19:41:01'), count: 1 }]);
});

test('the session_window column: struct<start, end> with nullable fields, usable by window_time()', async () => {
  const df = multi().groupBy(F.session_window('time', '10 seconds'), 'id').count();
  const t = df.schema.fields[0]!;
  assert.equal(t.name, 'session_window');
  assert.equal(t.dataType.kind, 'struct');
  assert.deepEqual((t.dataType as unknown as { fields: { name: string; nullable: boolean }[] }).fields.map((f) => [f.name, f.nullable]), [['start', true], ['end', true]]);
  const times = await df.select(F.window_time('session_window').alias('wt')).orderBy('wt').collect();
  assert.deepEqual(times.map((r) => (r.wt as Date).toISOString()), ['2016-03-27T19:39:36.999Z', '2016-03-27T19:39:48.999Z', '2016-03-27T19:40:13.999Z']);
});

test('bad arguments are errors that name the argument and say what to write', () => {
  const df = multi();
  assert.throws(() => df.groupBy(F.session_window('time', 'x sec')).count(), /session_window\(\.\.\.\) gapDuration: cannot read "x sec" as a duration.*'10 seconds'/);
  assert.throws(() => df.groupBy(F.session_window('time', '0 seconds')).count(), /session_window\(\.\.\.\) gapDuration must be positive, got '0 seconds'/);
  assert.throws(() => df.groupBy(F.session_window('time', '-5 seconds')).count(), /session_window\(\.\.\.\) gapDuration: cannot read "-5 seconds".*negative/);
  assert.throws(() => df.groupBy(F.session_window('time', '1 month')).count(), /gapDuration.*'month' has no fixed length/);
  assert.throws(() => df.groupBy(F.session_window('time', F.col('value'))).count(), /gapDuration must be a duration string.*value is int/);
  assert.throws(() => df.groupBy(F.session_window('id', '10 seconds')).count(), /session_window\(\.\.\.\) needs a timestamp column, but id is string/);
  assert.throws(() => df.select(F.session_window('time', '10 seconds'), F.session_window('time', '15 seconds')),
    /Multiple time\/session window expressions would result in a cartesian product/);
  assert.throws(() => df.groupBy(F.session_window('time', '10 seconds'), F.window('time', '10 seconds')).count(), /Multiple time\/session window expressions/);
  assert.throws(() => df.filter(F.session_window('time', '10 seconds').getField('end').isNotNull()), /session_window\(\.\.\.\) can only be used in groupBy/);
  assert.throws(() => df.selectExpr("session_window(time)"), /session_window\(timeColumn, gapDuration\) takes 2 arguments, got 1/);
  assert.throws(() => df.groupBy(F.session_window('time', '10 seconds'), F.col('session_window.start')).count(),
    /groupBy\(\.\.\.\) key start uses the session window it is grouped with/);
});
