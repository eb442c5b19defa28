/**
 * Known answers for joins (on names, on expressions, self-joins through
 * aliases) and for orderBy/sort with directions and null placement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('dataframe-join-sort').getOrCreate();
const emp = () => spark.createDataFrame([[1, 'ann', 10], [2, 'bob', 20], [3, 'cy', null], [4, 'dee', 30]], 'id INT, name STRING, dept INT');
const dept = () => spark.createDataFrame([[10, 'eng'], [20, 'ops'], [40, 'hr'], [null, 'none']], 'dept INT, dname STRING');

test('join on a column name: the key appears once, first', async () => {
  const j = emp().join(dept(), 'dept');
  assert.deepEqual(j.columns, ['dept', 'id', 'name', 'dname']);
  assert.deepEqual(await j.orderBy('id').collect(), [{ dept: 10, id: 1, name: 'ann', dname: 'eng' }, { dept: 20, id: 2, name: 'bob', dname: 'ops' }]);
});

test('join on names with every join type; null keys never match', async () => {
  const ids = async (how: string) => {
    const j = emp().join(dept(), ['dept'], how);
    const rows = await j.orderBy(F.asc_nulls_last('id'), ...(j.columns.includes('dname') ? ['dname'] : [])).collect();
    return rows.map((r) => `${r['id'] ?? '-'}:${r['dname'] ?? '-'}`);
  };
  assert.deepEqual(await ids('left'), ['1:eng', '2:ops', '3:-', '4:-']);
  assert.deepEqual(await ids('right'), ['1:eng', '2:ops', '-:hr', '-:none']);
  assert.deepEqual(await ids('full'), ['1:eng', '2:ops', '3:-', '4:-', '-:hr', '-:none']);
  assert.deepEqual(await ids('left_semi'), ['1:-', '2:-']);
  assert.deepEqual(await ids('left_anti'), ['3:-', '4:-']);
  assert.deepEqual(emp().join(dept(), 'dept', 'left_semi').columns, ['dept', 'id', 'name'], 'Spark: using keys, then the left columns');
});

test('full join on names coalesces the key', async () => {
  const keys = (await emp().join(dept(), 'dept', 'outer').select('dept').collect()).map((r) => r['dept']);
  assert.deepEqual(keys.sort((a, b) => (a === null ? -1 : b === null ? 1 : (a as number) - (b as number))), [null, null, 10, 20, 30, 40]);
});

test('join on an expression keeps both key columns; df.col() disambiguates', async () => {
  const e = emp();
  const d = dept();
  const j = e.join(d, e.col('dept').eq(d.col('dept')), 'inner');
  assert.deepEqual(j.columns, ['id', 'name', 'dept', 'dept', 'dname']);
  assert.deepEqual(await j.select(e.col('name'), d.col('dept'), 'dname').orderBy('name').collect(),
    [{ name: 'ann', dept: 10, dname: 'eng' }, { name: 'bob', dept: 20, dname: 'ops' }]);
  assert.deepEqual(await j.orderBy('id').collectArrays(), [[1, 'ann', 10, 10, 'eng'], [2, 'bob', 20, 20, 'ops']]);
});

test('join with a non-equi condition and a residual', async () => {
  const e = emp();
  const d = dept();
  const j = e.join(d, e.col('dept').lt(d.col('dept')).and(d.col('dname').notEqual('none')), 'left').groupBy('name').agg(F.count('dname').alias('n')).orderBy('name');
  assert.deepEqual(await j.collect(), [{ name: 'ann', n: 2 }, { name: 'bob', n: 1 }, { name: 'cy', n: 0 }, { name: 'dee', n: 1 }]);
});

test('self-join through aliases', async () => {
  const df = spark.createDataFrame([[1, null], [2, 1], [3, 1], [4, 2]], 'id INT, boss INT');
  const j = df.alias('a').join(df.alias('b'), F.col('a.boss').eq(F.col('b.id'))).select(F.col('a.id').alias('who'), F.col('b.id').alias('reports_to')).orderBy('who');
  assert.deepEqual(await j.collect(), [{ who: 2, reports_to: 1 }, { who: 3, reports_to: 1 }, { who: 4, reports_to: 2 }]);
  const same = df.alias('a').join(df.alias('b'), F.col('a.id').eq(F.col('b.id')));
  assert.equal(await same.count(), 4);
});

test('crossJoin gives every pair', async () => {
  const a = spark.range(3);
  const b = spark.createDataFrame([['x'], ['y']], 'c STRING');
  assert.equal(await a.crossJoin(b).count(), 6);
  assert.deepEqual((await a.crossJoin(b).orderBy(F.desc('id'), 'c').limit(2).collect()), [{ id: 2, c: 'x' }, { id: 2, c: 'y' }]);
});

test('unknown join type names the accepted ones', () => {
  assert.throws(() => emp().join(dept(), 'dept', 'sideways'), (e: Error & { code?: string }) => e.code === 'UNSUPPORTED_JOIN_TYPE' && /left_anti/.test(e.message));
});

test('orderBy: asc puts nulls first, desc puts nulls last, explicit placement wins', async () => {
  const df = spark.createDataFrame([[2, 'b'], [null, 'n'], [1, 'a'], [3, null]], 'n INT, s STRING');
  const ns = async (...cols: Parameters<typeof df.orderBy>) => (await df.orderBy(...cols).collect()).map((r) => r['n']);
  assert.deepEqual(await ns('n'), [null, 1, 2, 3]);
  assert.deepEqual(await ns(F.col('n').asc()), [null, 1, 2, 3]);
  assert.deepEqual(await ns(F.desc('n')), [3, 2, 1, null]);
  assert.deepEqual(await ns(F.col('n').asc_nulls_last()), [1, 2, 3, null]);
  assert.deepEqual(await ns(F.col('n').desc_nulls_first()), [null, 3, 2, 1]);
  assert.deepEqual(await ns(F.desc_nulls_last('s')), [null, 2, 1, 3], 'by s desc: n, b, a, then the null string');
  assert.deepEqual((await df.sort(F.col('s').desc_nulls_first()).collect()).map((r) => r['s']), [null, 'n', 'b', 'a']);
});

test('orderBy several keys and an expression', async () => {
  const df = spark.createDataFrame([[1, 'b', 1], [2, 'a', 2], [1, 'a', 3], [2, 'a', 4], [1, 'b', 5]], 'g INT, s STRING, seq INT');
  const seqs = (await df.orderBy(F.desc('g'), 's', 'seq').collect()).map((r) => r['seq']);
  assert.deepEqual(seqs, [2, 4, 3, 1, 5]);
  assert.deepEqual((await df.orderBy(F.col('seq').mod(3), 'seq').collect()).map((r) => r['seq']), [3, 1, 4, 2, 5]);
});

test('string order is by code point (uppercase before lowercase)', async () => {
  const df = spark.createDataFrame([['b'], ['B'], ['a'], ['é'], ['A'], ['']], 's STRING');
  assert.deepEqual((await df.orderBy('s').collect()).map((r) => r['s']), ['', 'A', 'B', 'a', 'b', 'é']);
});
