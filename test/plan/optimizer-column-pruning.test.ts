// ColumnPruning as a table of plan in -> plan out, with cases ported from Spark's ColumnPruningSuite
// (sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/optimizer/ColumnPruningSuite.scala). spate
// prunes by dropping the projection items, aggregates and join outputs nothing reads, and by reading only
// the needed columns of a parquet (or PERMISSIVE json) scan; it inserts no projection over an in-memory scan,
// whose columns cost nothing to carry. Every case also runs with the optimizer off and gives the same rows.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { functions as F } from '../../src/index.js';
import { runPlanCases, optimizedWith, rowsOf, rowsUnoptimized, spark, tempDir, testRelation, tree, type PlanCase } from './optimizer-support.js';

const PRUNE = ['ColumnPruning'];
let dir = '';
before(async () => {
  dir = tempDir();
  await testRelation().write.parquet(`${dir}/t`);
  await testRelation().write.json(`${dir}/j`);
  await testRelation().write.csv(`${dir}/c`);
});
const parquet = () => spark.read.parquet(`${dir}/t`);
const scan = (cols: string) => `FileScan parquet [${cols}] ReadSchema: [${cols}] of 3 Location: [<dir>/t]`;

const CASES: readonly PlanCase[] = [
  {
    name: 'ColumnPruningSuite "Column pruning on Project"',
    df: () => testRelation().select('a', 'b').select('a'),
    rules: PRUNE,
    in: ['*Project [a]', '+- *Project [a, b]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- *Project [a]', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'ColumnPruningSuite "Column pruning on Filter" (plan3: Project(a, Filter(b > 1, Project(a, b))))',
    df: () => testRelation().select('a', 'b').where('b > 1').select('a'),
    in: ['*Project [a]', '+- *Filter (b > 1)', '   +- *Project [a, b]', '      +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- *Project [a]', '   +- *Filter (b > 1)', '      +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'ColumnPruningSuite "column pruning for group" (count(b) is read by nothing)',
    df: () => testRelation().groupBy('a').agg(F.count('b')).select('a'),
    rules: PRUNE,
    in: ['*Project [a]', '+- HashAggregate(keys=[a], functions=[count(b)])', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- HashAggregate(keys=[a], functions=[])', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'ColumnPruningSuite "column pruning for Project(ne, Limit)"',
    df: () => testRelation().select('a', 'b').limit(2).select('a'),
    rules: PRUNE,
    in: ['*Project [a]', '+- GlobalLimit 2', '   +- *Project [a, b]', '      +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- GlobalLimit 2', '   +- *Project [a]', '      +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'ColumnPruningSuite "push down project past sort" (push down valid, over parquet)',
    df: () => parquet().select('a', 'b').orderBy('a').select('a'),
    rules: PRUNE,
    in: ['*Project [a]', '+- Sort [a ASC NULLS FIRST]', '   +- *Project [a, b]', '      +- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['*Project [a]', '+- Sort [a ASC NULLS FIRST]', '   +- *Project [a]', `      +- ${scan('a')}`],
  },
  {
    name: 'ColumnPruningSuite "Column pruning for Project on Sort" (the sort key is read too)',
    df: () => parquet().orderBy('b').select('a'),
    rules: PRUNE,
    in: ['*Project [a]', '+- Sort [b ASC NULLS FIRST]', '   +- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['*Project [a]', '+- Sort [b ASC NULLS FIRST]', `   +- ${scan('a, b')}`],
  },
  {
    name: 'a join reads from each side only its keys and the columns above it',
    df: () => parquet().join(parquet().select(F.col('a').alias('d'), F.col('c').alias('e')), F.col('a').equalTo(F.col('d'))).select('b', 'e'),
    rules: PRUNE,
    in: ['*Project [b, e]', '+- HashJoin inner [a = d]', '   :- FileScan parquet [a, b, c] Location: [<dir>/t]', '   +- *Project [a AS d, c AS e]', '      +- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['*Project [b, e]', '+- HashJoin inner [a = d]', `   :- ${scan('a, b')}`, '   +- *Project [a AS d, c AS e]', `      +- ${scan('a, c')}`],
  },
  {
    name: 'an aggregation over a file reads its keys and arguments only',
    df: () => parquet().groupBy('c').agg(F.sum('a')),
    rules: PRUNE,
    in: ['HashAggregate(keys=[c], functions=[sum(a)])', '+- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['HashAggregate(keys=[c], functions=[sum(a)])', `+- ${scan('a, c')}`],
  },
  {
    name: 'a union prunes every input alike (the union keeps the first input\'s columns)',
    df: () => parquet().union(parquet()).select('c'),
    rules: PRUNE,
    in: ['*Project [c]', '+- Union', '   :- *Project [a, b, c]', '   :  +- FileScan parquet [a, b, c] Location: [<dir>/t]', '   +- *Project [a, b, c]', '      +- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['*Project [c]', '+- Union', '   :- *Project [c]', `   :  +- ${scan('c')}`, '   +- *Project [c]', `      +- ${scan('c')}`],
  },
  {
    name: 'count() of a file reads one column',
    df: () => parquet().groupBy().count(),
    rules: PRUNE,
    in: ['HashAggregate(keys=[], functions=[count(1)])', '+- FileScan parquet [a, b, c] Location: [<dir>/t]'],
    out: ['HashAggregate(keys=[], functions=[count(1)])', `+- ${scan('a')}`],
  },
  {
    name: 'json in PERMISSIVE mode reads a subset; csv is parsed whole and is not pruned',
    df: () => spark.read.schema('a INT, b INT, c INT').json(`${dir}/j`).select('b').union(spark.read.schema('a INT, b INT, c INT').csv(`${dir}/c`).select('b')),
    rules: PRUNE,
    in: [
      'Union', ':- *Project [b]', ':  +- *Project [b]', ':     +- FileScan json [a, b, c] Location: [<dir>/j]',
      '+- *Project [b]', '   +- *Project [b]', '      +- FileScan csv [a, b, c] Location: [<dir>/c]',
    ],
    out: [
      'Union', ':- *Project [b]', ':  +- *Project [b]', ':     +- FileScan json [b] ReadSchema: [b] of 3 Location: [<dir>/j]',
      '+- *Project [b]', '   +- *Project [b]', '      +- FileScan csv [a, b, c] Location: [<dir>/c]',
    ],
  },
  {
    name: 'json in FAILFAST mode is read whole (a bad value in any column fails the read)',
    df: () => spark.read.schema('a INT, b INT, c INT').option('mode', 'FAILFAST').json(`${dir}/j`).select('b'),
    rules: PRUNE,
    in: ['*Project [b]', '+- FileScan json [a, b, c] Location: [<dir>/j]'],
    out: ['*Project [b]', '+- FileScan json [a, b, c] Location: [<dir>/j]'],
  },
];

const norm = (lines: readonly string[]) => lines.map((l) => l.replaceAll(dir, '<dir>'));

runPlanCases(CASES, norm);

test('the root keeps every column, in order, and the rows are the same', async () => {
  const df = () => parquet().select('c', 'a').where('a > 1');
  assert.deepEqual(optimizedWith(df()).schema.fields.map((f) => f.name), ['c', 'a']);
  assert.deepEqual(await rowsOf(df()), ['{"c":6,"a":4}', '{"c":9,"a":7}']);
});

test('a partition column can be the only one read', async () => {
  const d = tempDir();
  await testRelation().write.partitionBy('c').parquet(`${d}/p`);
  const df = () => spark.read.parquet(`${d}/p`).select('c').where('c > 3');
  assert.match(tree(optimizedWith(df())).at(-1)!, /FileScan parquet \[c\] PushedFilters: \[\(c > 3\)\] ReadSchema: \[c\] of 3/);
  assert.deepEqual(await rowsOf(df()), ['{"c":6}', '{"c":9}']);
  assert.deepEqual(await rowsOf(df()), await rowsUnoptimized(df));
});
