// PushPredicateThroughNonJoin and PushDownFiltersToFileScan as tables of plan in -> plan out, with cases
// ported from Spark's FilterPushdownSuite (sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/
// optimizer/FilterPushdownSuite.scala); each case also runs with the optimizer off and must give the same rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functions as F } from '../../src/index.js';
import { BooleanSimplification, ConstantFolding, PushPredicateThroughNonJoin, isDeterministic } from '../../src/plan/optimizer.js';
import type { PhysicalPlan } from '../../src/physical/physical.js';
import { runPlanCases, optimizedWith, rowsOf, rowsUnoptimized, spark, tempDir, testRelation, tree, type PlanCase } from './optimizer-support.js';

const PUSH = ['PushPredicateThroughNonJoin'];

const CASES: readonly PlanCase[] = [
  {
    name: 'FilterPushdownSuite "simple push down"',
    df: () => testRelation().select('a').where('a = 1'),
    rules: PUSH,
    in: ['*Filter (a = 1)', '+- *Project [a]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- *Filter (a = 1)', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'FilterPushdownSuite "SPARK-16164: Filter pushdown should keep the ordering in the logical plan"',
    df: () => testRelation().where('a = 1').select('a', 'b').where('b = 1'),
    rules: PUSH,
    in: ['*Filter (b = 1)', '+- *Project [a, b]', '   +- *Filter (a = 1)', '      +- LocalTableScan [a, b, c]'],
    // Spark combines the two (CombineFilters) into (a = 1) AND (b = 1); spate keeps both, in that order: one fused loop either way.
    out: ['*Project [a, b]', '+- *Filter (b = 1)', '   +- *Filter (a = 1)', '      +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'FilterPushdownSuite "SPARK-16994: filter should not be pushed through limit"',
    df: () => testRelation().limit(10).where('a = 1'),
    rules: PUSH,
    in: ['*Filter (a = 1)', '+- GlobalLimit 10', '   +- LocalTableScan [a, b, c]'],
    out: ['*Filter (a = 1)', '+- GlobalLimit 10', '   +- LocalTableScan [a, b, c]'],
  },
  {
    // Spark rewrites to Filter(a + b = 1) below the project; spate does not compute (a + b) twice, so the filter stays.
    name: 'FilterPushdownSuite "can\'t push without rewrite" (spate: no rewrite that computes an expression twice)',
    df: () => testRelation().select(F.col('a').plus(F.col('b')).alias('e')).where('e = 1'),
    rules: PUSH,
    in: ['*Filter (e = 1)', '+- *Project [(a + b) AS e]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Filter (e = 1)', '+- *Project [(a + b) AS e]', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'FilterPushdownSuite "filters: combines filters" (both filters move below the project)',
    df: () => testRelation().select('a').where('a = 1').where('a = 2'),
    rules: PUSH,
    in: ['*Filter (a = 2)', '+- *Filter (a = 1)', '   +- *Project [a]', '      +- LocalTableScan [a, b, c]'],
    out: ['*Project [a]', '+- *Filter (a = 2)', '   +- *Filter (a = 1)', '      +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'a filter reads renamed columns through the projection (its text follows)',
    df: () => testRelation().select(F.col('b').alias('x'), 'a').where('x > 1 AND a < 7'),
    rules: PUSH,
    in: ['*Filter ((x > 1) AND (a < 7))', '+- *Project [b AS x, a]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [b AS x, a]', '+- *Filter ((b > 1) AND (a < 7))', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'FilterPushdownSuite "union" (PushPredicateThroughNonJoin pushes into every input of a union)',
    df: () => testRelation().union(testRelation()).where('a > 1'),
    rules: PUSH,
    in: ['*Filter (a > 1)', '+- Union', '   :- *Project [a, b, c]', '   :  +- LocalTableScan [a, b, c]', '   +- *Project [a, b, c]', '      +- LocalTableScan [a, b, c]'],
    out: ['Union', ':- *Project [a, b, c]', ':  +- *Filter (a > 1)', ':     +- LocalTableScan [a, b, c]', '+- *Project [a, b, c]', '   +- *Filter (a > 1)', '      +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'a filter over an aggregation stays above it (HAVING)',
    df: () => testRelation().groupBy('a').count().where('a > 1'),
    rules: PUSH,
    in: ['*Filter (a > 1)', '+- HashAggregate(keys=[a], functions=[count(1)])', '   +- LocalTableScan [a, b, c]'],
    out: ['*Filter (a > 1)', '+- HashAggregate(keys=[a], functions=[count(1)])', '   +- LocalTableScan [a, b, c]'],
  },
  {
    name: 'a condition over a projected literal folds away once it reads through the projection',
    df: () => testRelation().select(F.lit(2).alias('two'), 'a').where('two + 1 = 3 AND a > 1'),
    in: ['*Filter (((two + 1) = 3) AND (a > 1))', '+- *Project [2 AS two, a]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [2 AS two, a]', '+- *Filter (a > 1)', '   +- LocalTableScan [a, b, c]'],
  },
];

runPlanCases(CASES);

test('FilterPushdownSuite "nondeterministic: can\'t push down filter through project with nondeterministic field" (and with a nondeterministic condition)', () => {
  // spate has no nondeterministic function yet, so the plan is built by hand with a call named rand.
  const base = testRelation().select('a').analyze().plan as PhysicalPlan & { kind: 'project' };
  const rand = { ...(testRelation().select(F.col('a').plus(1)).analyze().plan as PhysicalPlan & { kind: 'project' }).exprs[0]!, name: 'rand' } as const;
  assert.equal(isDeterministic(rand), false);
  const cond = (testRelation().where('a > 5').analyze().plan as PhysicalPlan & { kind: 'filter' }).condition;
  const overRandField: PhysicalPlan = { kind: 'filter', schema: base.schema, condition: cond, child: { ...base, exprs: [base.exprs[0]!, rand] } };
  assert.equal(PushPredicateThroughNonJoin.apply(overRandField), overRandField);
  const randCond = { ...cond, kind: 'call', name: 'rand', args: [] } as typeof cond;
  const randCondition: PhysicalPlan = { kind: 'filter', schema: base.schema, condition: randCond, child: base };
  assert.equal(PushPredicateThroughNonJoin.apply(randCondition), randCondition);
  // The same shapes with deterministic parts do move.
  const plain: PhysicalPlan = { kind: 'filter', schema: base.schema, condition: cond, child: base };
  assert.equal(PushPredicateThroughNonJoin.apply(plain).kind, 'project');
});

test('a filter never moves below a watermark: the event times the watermark sees stay the same', () => {
  const df = spark.createDataFrame([[new Date(0), 1]], 'ts TIMESTAMP, v INT').withWatermark('ts', '1 minute').select('ts', 'v').where('v > 0');
  assert.deepEqual(tree(optimizedWith(df, PUSH)), ['*Project [ts, v]', '+- *Filter (v > 0)', '   +- EventTimeWatermark ts, 60000 ms', '      +- LocalTableScan [ts, v]']);
});

test('PushDownFiltersToFileScan: the conjuncts of the filter above a file scan are its PushedFilters, kept as the filter changes', async () => {
  const dir = tempDir();
  await testRelation().write.parquet(`${dir}/t`);
  const df = spark.read.parquet(`${dir}/t`).select(F.col('a').alias('x'), 'b', F.lit(1).alias('one')).where('x > 1 AND one = 1 AND b < 8');
  const lines = tree(optimizedWith(df)).map((l) => l.replace(dir, '<dir>'));
  assert.deepEqual(lines, [
    '*Project [a AS x, b, 1 AS one]',
    '+- *Filter ((a > 1) AND (b < 8))',
    '   +- FileScan parquet [a, b] PushedFilters: [(a > 1), (b < 8)] ReadSchema: [a, b] of 3 Location: [<dir>/t]',
  ]);
  assert.deepEqual(await rowsOf(df), ['{"x":4,"b":5,"one":1}']);
  assert.deepEqual(await rowsOf(df), await rowsUnoptimized(() => spark.read.parquet(`${dir}/t`).select(F.col('a').alias('x'), 'b', F.lit(1).alias('one')).where('x > 1 AND one = 1 AND b < 8')));
});

test('ConstantFolding and BooleanSimplification alone do not move filters', () => {
  const df = testRelation().select('a').where('a = 1');
  const p = df.analyze().plan;
  assert.equal(BooleanSimplification.apply(ConstantFolding.apply(p)), p);
});
