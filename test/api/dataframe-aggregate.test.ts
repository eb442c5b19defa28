/**
 * Known answers for aggregation through the DataFrame API: groupBy().agg,
 * the GroupedData shortcuts, whole-frame agg, describe(), and the NaN rules
 * the DuckDB agreement test leaves out (Spark groups NaN with NaN and sorts
 * it above every other double).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('dataframe-aggregate').getOrCreate();
const sales = () => spark.createDataFrame(
  [['a', 1, 10.0], ['a', 2, null], ['b', null, 5.5], ['b', 4, 4.5], [null, 5, 1.0]],
  'k STRING, n INT, x DOUBLE',
);

test('groupBy().agg with count(*), count(col), sum, avg, min, max, countDistinct', async () => {
  const rows = await sales().groupBy('k').agg(
    F.count(F.lit(1)).alias('c'), F.count('n').alias('cn'), F.sum('n').alias('sn'), F.avg('x').alias('ax'),
    F.min('n').alias('mn'), F.max('x').alias('mx'), F.countDistinct('n').alias('dn'),
  ).orderBy('k').collect();
  assert.deepEqual(rows, [
    { k: null, c: 1, cn: 1, sn: 5, ax: 1.0, mn: 5, mx: 1.0, dn: 1 },
    { k: 'a', c: 2, cn: 2, sn: 3, ax: 10.0, mn: 1, mx: 10.0, dn: 2 },
    { k: 'b', c: 2, cn: 1, sn: 4, ax: 5.0, mn: 4, mx: 5.5, dn: 1 },
  ]);
});

test('aggregate result types follow Spark (sum(int) bigint, avg double, count bigint)', () => {
  const df = sales().groupBy('k').agg(F.sum('n'), F.avg('n'), F.count('n'), F.max('n'), F.sum('x'));
  assert.deepEqual(df.dtypes, [['k', 'string'], ['sum(n)', 'bigint'], ['avg(n)', 'double'], ['count(n)', 'bigint'], ['max(n)', 'int'], ['sum(x)', 'double']]);
});

test('GroupedData shortcuts: count(), sum(), avg(), min(), max() and the all-numeric form', async () => {
  const df = sales();
  assert.deepEqual(await df.groupBy('k').count().orderBy('k').collect(), [{ k: null, count: 1 }, { k: 'a', count: 2 }, { k: 'b', count: 2 }]);
  assert.deepEqual(await df.groupBy('k').sum('n').orderBy('k').collect(), [{ k: null, 'sum(n)': 5 }, { k: 'a', 'sum(n)': 3 }, { k: 'b', 'sum(n)': 4 }]);
  assert.deepEqual(df.groupBy('k').avg().columns, ['k', 'avg(n)', 'avg(x)']);
  assert.deepEqual(await df.groupBy('k').max('x').filter(F.col('k').eq('a')).collect(), [{ k: 'a', 'max(x)': 10.0 }]);
  assert.deepEqual(await df.groupBy('k').min('n').filter(F.col('k').eq('b')).collect(), [{ k: 'b', 'min(n)': 4 }]);
  assert.throws(() => df.groupBy('n').sum('k'), (e: Error & { code?: string }) => e.code === 'DATATYPE_MISMATCH' && /"k"/.test(e.message));
});

test('agg with a dict of column → function name, as in PySpark', async () => {
  assert.deepEqual(await sales().groupBy('k').agg({ n: 'max', x: 'sum' }).filter(F.col('k').eq('b')).collect(), [{ k: 'b', 'max(n)': 4, 'sum(x)': 10.0 }]);
});

test('whole-frame agg, and over empty input: counts are 0, the rest null', async () => {
  assert.deepEqual(await sales().agg(F.sum('n').alias('s'), F.max('k').alias('mk'), F.stddev_samp('n').alias('sd')).collect(),
    [{ s: 12, mk: 'b', sd: Math.sqrt(10 / 3) }]);
  const empty = sales().filter('n > 100');
  assert.deepEqual(await empty.agg(F.count(F.lit(1)).alias('c'), F.sum('n').alias('s'), F.avg('x').alias('a'), F.collect_list('k').alias('l')).collect(),
    [{ c: 0, s: null, a: null, l: [] }]);
  assert.deepEqual(await empty.groupBy('k').count().collect(), [], 'grouped aggregate over nothing has no rows');
});

test('stddev_samp / var_samp of one row are null; var_pop is 0', async () => {
  const one = spark.createDataFrame([[3.0]], 'x DOUBLE');
  assert.deepEqual(await one.agg(F.stddev_samp('x').alias('s'), F.var_samp('x').alias('v'), F.var_pop('x').alias('p')).collect(), [{ s: null, v: null, p: 0 }]);
});

test('collect_list skips nulls; first/last take ignorenulls', async () => {
  const df = spark.createDataFrame([[1, null], [1, 'x'], [1, 'y']], 'g INT, v STRING');
  const [row] = await df.groupBy('g').agg(F.sort_array(F.collect_list('v')).alias('l'), F.first('v', true).alias('f')).collect();
  assert.deepEqual(row, { g: 1, l: ['x', 'y'], f: 'x' });
});

test('NaN: grouped as one key, counted as a value, max is NaN, sorted above +Infinity', async () => {
  const df = spark.createDataFrame([[NaN], [NaN], [1.0], [Infinity], [null]], 'x DOUBLE');
  const groups = await df.groupBy('x').count().orderBy('x').collect();
  assert.deepEqual(groups.map((r) => [r['x'], r['count']]), [[null, 1], [1.0, 1], [Infinity, 1], [NaN, 2]]);
  assert.deepEqual(await df.agg(F.max('x').alias('mx'), F.min('x').alias('mn'), F.count('x').alias('c'), F.countDistinct('x').alias('d')).collect(),
    [{ mx: NaN, mn: 1.0, c: 4, d: 3 }]);
  assert.deepEqual((await df.orderBy(F.desc('x')).collect()).map((r) => r['x']), [NaN, NaN, Infinity, 1.0, null]);
  assert.deepEqual(await df.filter(F.col('x').eq(NaN)).count(), 2, 'Spark: NaN = NaN is true');
  assert.deepEqual(await df.filter(F.col('x').gt(1e308)).count(), 3, 'NaN is greater than any other value');
});

test('describe() gives count, mean, stddev, min, max as strings', async () => {
  const df = spark.createDataFrame([[1, 'b'], [2, 'a'], [3, null]], 'n INT, s STRING');
  const rows = await df.describe().collect();
  assert.deepEqual(rows, [
    { summary: 'count', n: '3', s: '2' },
    { summary: 'mean', n: '2.0', s: null },
    { summary: 'stddev', n: '1.0', s: null },
    { summary: 'min', n: '1', s: 'a' },
    { summary: 'max', n: '3', s: 'b' },
  ]);
  assert.deepEqual(df.describe('n').columns, ['summary', 'n']);
});

test('literal aggregate arguments (count(*) is count(1)) are constants, not computed per row', async () => {
  const df = spark.createDataFrame([[1, 'a'], [2, 'a'], [3, 'b']], 'x INT, k STRING');
  const rows = await df.filter(F.col('x').gt(0)).groupBy('k')
    .agg(F.count(F.lit(null)).alias('n0'), F.count(F.lit(1)).alias('n1'), F.sum(F.lit(2)).alias('s'), F.count('*').alias('c'), F.max(F.lit('z')).alias('m'))
    .orderBy('k').collect();
  assert.deepEqual(rows, [
    { k: 'a', n0: 0, n1: 2, s: 4, c: 2, m: 'z' },
    { k: 'b', n0: 0, n1: 1, s: 2, c: 1, m: 'z' },
  ]);
});
