/**
 * Known answers for the DataFrame API as a user sees it: projections,
 * filters, column management, schema accessors, row actions, limit/offset,
 * distinct/dropDuplicates and unions (expected values follow Spark 3.5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('dataframe-basics').getOrCreate();
const people = () => spark.createDataFrame(
  [[1, 'ann', 30, 1.5], [2, 'bob', null, 2.0], [3, 'cy', 25, null], [4, null, 41, 4.25]],
  'id INT, name STRING, age INT, score DOUBLE',
);

test('select with columns, names and expressions; filter with a Column and a SQL string', async () => {
  const df = people();
  assert.deepEqual(await df.select('name', F.col('age').plus(1).alias('next')).filter(F.col('next').gt(26)).collect(),
    [{ name: 'ann', next: 31 }, { name: null, next: 42 }]);
  assert.deepEqual(await df.where('age < 30 OR age IS NULL').select('id').collect(), [{ id: 2 }, { id: 3 }]);
  assert.deepEqual(await df.selectExpr('id * 10 AS x', 'upper(name) AS n').limit(2).collect(), [{ x: 10, n: 'ANN' }, { x: 20, n: 'BOB' }]);
});

test('filter drops rows where the condition is null', async () => {
  assert.deepEqual(await people().filter(F.col('age').gt(26)).select('id').collect(), [{ id: 1 }, { id: 4 }]);
  assert.deepEqual(await people().filter(F.col('age').gt(26).not()).select('id').collect(), [{ id: 3 }]);
});

test('withColumn adds at the end or replaces in place; withColumns; withColumnRenamed; drop', async () => {
  const df = people();
  assert.deepEqual(df.withColumn('age', F.col('age').multiply(2)).columns, ['id', 'name', 'age', 'score']);
  assert.deepEqual(await df.withColumn('age', F.col('age').multiply(2)).select('age').first(), { age: 60 });
  assert.deepEqual(df.withColumns({ a: F.lit(1), b: F.col('id') }).columns, ['id', 'name', 'age', 'score', 'a', 'b']);
  assert.deepEqual(df.withColumnRenamed('name', 'who').columns, ['id', 'who', 'age', 'score']);
  assert.deepEqual(df.withColumnRenamed('nope', 'x').columns, ['id', 'name', 'age', 'score'], 'renaming a missing column is a no-op');
  assert.deepEqual(df.drop('age', 'nope').columns, ['id', 'name', 'score']);
  assert.deepEqual(df.drop(F.col('score')).columns, ['id', 'name', 'age']);
});

test('columns, dtypes and schema', () => {
  const df = spark.createDataFrame([], 'a INT, b BIGINT, c DOUBLE, d STRING, e BOOLEAN, f DATE, g TIMESTAMP, h ARRAY<INT>');
  assert.deepEqual(df.columns, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  assert.deepEqual(df.dtypes, [['a', 'int'], ['b', 'bigint'], ['c', 'double'], ['d', 'string'], ['e', 'boolean'], ['f', 'date'], ['g', 'timestamp'], ['h', 'array<int>']]);
  assert.equal(df.schema.fields.length, 8);
  assert.equal(df.schema.fields[1]!.dataType.kind, 'long');
  assert.equal(people().select(F.col('id').divide(2)).dtypes[0]![1], 'double', 'int / int is double');
  assert.equal(people().select(F.col('id').plus(F.lit(1))).dtypes[0]![1], 'int');
});

test('collect, count, take, first, head, isEmpty', async () => {
  const df = people();
  assert.equal(await df.count(), 4);
  assert.equal(await df.filter('id > 10').count(), 0);
  assert.deepEqual((await df.take(2)).map((r) => r['id']), [1, 2]);
  assert.deepEqual(await df.select('id').first(), { id: 1 });
  assert.deepEqual(await df.select('id').head(), { id: 1 });
  assert.deepEqual(await df.select('id').head(3), [{ id: 1 }, { id: 2 }, { id: 3 }]);
  assert.equal(await df.filter('id > 10').first(), null);
  assert.equal(await df.filter('id > 10').isEmpty(), true);
  assert.equal(await df.isEmpty(), false);
});

test('collect returns longs as numbers, dates and timestamps as Date', async () => {
  const df = spark.createDataFrame([[9_007_199_254_740_990, '2024-02-29', '2024-02-29 12:34:56']], 'l BIGINT, d STRING, t STRING')
    .select(F.col('l'), F.to_date('d').alias('d'), F.to_timestamp('t').alias('t'));
  const [row] = await df.collect();
  assert.equal(row!['d'] instanceof Date, true);
  assert.equal((row!['d'] as Date).toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal((row!['t'] as Date).toISOString(), '2024-02-29T12:34:56.000Z');
  assert.equal(row!['l'], 9_007_199_254_740_990);
});

test('limit and offset', async () => {
  const df = spark.range(10);
  assert.deepEqual((await df.limit(3).collect()).map((r) => r['id']), [0, 1, 2]);
  assert.deepEqual((await df.offset(7).collect()).map((r) => r['id']), [7, 8, 9]);
  assert.deepEqual((await df.offset(2).limit(2).collect()).map((r) => r['id']), [2, 3]);
  assert.deepEqual(await df.limit(0).collect(), []);
  assert.deepEqual(await df.offset(20).collect(), []);
  assert.throws(() => df.limit(-1), /limit/);
});

test('distinct treats nulls as equal and NaN as equal; dropDuplicates keeps one row per subset value', async () => {
  const df = spark.createDataFrame([[1, 'a', NaN], [1, 'a', NaN], [null, null, 1.0], [null, null, 1.0], [2, 'a', 0.0], [2, 'a', -0.0]], 'k INT, s STRING, d DOUBLE');
  assert.equal(await df.distinct().count(), 3, 'NaN = NaN and 0.0 = -0.0 for grouping, as in Spark');
  const dd = await df.dropDuplicates(['s']).orderBy('s').select('s').collect();
  assert.deepEqual(dd, [{ s: null }, { s: 'a' }]);
  const firstOfEach = await spark.createDataFrame([[1, 'x'], [1, 'y'], [2, 'z']], 'k INT, v STRING').dropDuplicates(['k']).orderBy('k').collect();
  assert.deepEqual(firstOfEach.map((r) => r['k']), [1, 2]);
  assert.ok(['x', 'y'].includes(firstOfEach[0]!['v'] as string));
});

test('union is by position and keeps duplicates; unionByName matches names', async () => {
  const a = spark.createDataFrame([[1, 'x']], 'id INT, v STRING');
  const b = spark.createDataFrame([['y', 2]], 'v STRING, id INT');
  const c = spark.createDataFrame([[1, 'x']], 'id INT, v STRING');
  assert.deepEqual(await a.union(c).collect(), [{ id: 1, v: 'x' }, { id: 1, v: 'x' }]);
  assert.deepEqual(await a.unionByName(b).collect(), [{ id: 1, v: 'x' }, { id: 2, v: 'y' }]);
  const d = spark.createDataFrame([[3, true]], 'id INT, flag BOOLEAN');
  assert.deepEqual(await a.unionByName(d, true).collect(), [{ id: 1, v: 'x', flag: null }, { id: 3, v: null, flag: true }]);
  assert.throws(() => a.unionByName(d), (e: Error & { code?: string }) => /flag|v/.test(e.message));
  assert.throws(() => a.union(spark.range(3)), (e: Error) => /column/i.test(e.message));
});

test('union widens types (int with long → bigint)', async () => {
  const a = spark.createDataFrame([[1]], 'x INT');
  const b = spark.createDataFrame([[5_000_000_000]], 'x BIGINT');
  const u = a.union(b);
  assert.deepEqual(u.dtypes, [['x', 'bigint']]);
  assert.deepEqual(await u.collect(), [{ x: 1 }, { x: 5_000_000_000 }]);
});
