/**
 * Joins whose probe (left) side arrives in several batches: the right side is
 * hashed once and each left batch probed on its own, output columns are taken
 * lazily, and a join under an aggregation streams straight into it. Known
 * answers, in left batch order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../../src/index.js';

const spark = SparkSession.builder.appName('streamed-join').getOrCreate();
// Three left batches (a union keeps its children's batches), including an empty one and null keys.
const left = () => spark.createDataFrame([[1, 'a'], [2, 'b'], [null, 'n1']], 'k INT, v STRING')
  .union(spark.createDataFrame([], 'k INT, v STRING'))
  .union(spark.createDataFrame([[3, 'c'], [1, 'd'], [9, 'e'], [null, 'n2']], 'k INT, v STRING'));
const right = () => spark.createDataFrame([[1, 'one'], [3, 'three'], [1, 'uno'], [null, 'nil']], 'k INT, name STRING');

const fmt = (rows: Record<string, unknown>[], cols: string[]) => rows.map((r) => cols.map((c) => String(r[c] ?? '-')).join(':'));

test('inner join over several left batches keeps left order, matches in right order', async () => {
  const rows = await left().join(right(), 'k').collect();
  assert.deepEqual(fmt(rows, ['k', 'v', 'name']), ['1:a:one', '1:a:uno', '3:c:three', '1:d:one', '1:d:uno']);
});

test('left, semi and anti joins over several left batches', async () => {
  assert.deepEqual(fmt(await left().join(right(), 'k', 'left').collect(), ['k', 'v', 'name']),
    ['1:a:one', '1:a:uno', '2:b:-', '-:n1:-', '3:c:three', '1:d:one', '1:d:uno', '9:e:-', '-:n2:-']);
  assert.deepEqual(fmt(await left().join(right(), 'k', 'left_semi').collect(), ['k', 'v']), ['1:a', '3:c', '1:d']);
  assert.deepEqual(fmt(await left().join(right(), 'k', 'left_anti').collect(), ['k', 'v']), ['2:b', '-:n1', '9:e', '-:n2']);
});

test('a join under an aggregation: counts and sums per key', async () => {
  assert.deepEqual(await left().join(right(), 'k').agg(F.count(F.lit(1)).alias('n')).collect(), [{ n: 5 }]);
  const per = await left().join(right(), 'k').groupBy('name').agg(F.count('v').alias('n'), F.max('v').alias('mv')).orderBy('name').collect();
  assert.deepEqual(per, [{ name: 'one', n: 2, mv: 'd' }, { name: 'three', n: 1, mv: 'c' }, { name: 'uno', n: 2, mv: 'd' }]);
});

test('a filter and projection between the join and the aggregation', async () => {
  const q = left().join(right(), 'k').filter(F.col('name').notEqual('uno')).select(F.col('k').multiply(10).alias('k10'), F.col('v'))
    .groupBy('k10').agg(F.count('v').alias('n'));
  assert.deepEqual(await q.orderBy('k10').collect(), [{ k10: 10, n: 2 }, { k10: 30, n: 1 }]);
});

test('an empty left side and an empty right side', async () => {
  const emptyLeft = spark.createDataFrame([], 'k INT, v STRING');
  assert.deepEqual(await emptyLeft.join(right(), 'k').collect(), []);
  assert.deepEqual(await emptyLeft.join(right(), 'k').agg(F.count(F.lit(1)).alias('n')).collect(), [{ n: 0 }]);
  const emptyRight = spark.createDataFrame([], 'k INT, name STRING');
  assert.deepEqual(fmt(await left().join(emptyRight, 'k', 'left_anti').collect(), ['v']), ['a', 'b', 'n1', 'c', 'd', 'e', 'n2']);
});
