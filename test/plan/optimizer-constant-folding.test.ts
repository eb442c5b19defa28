// ConstantFolding, BooleanSimplification and PruneFilters as a table of plan in -> plan out, with cases
// ported from Spark's ConstantFoldingSuite and BooleanSimplificationSuite (sql/catalyst/src/test/scala/org/
// apache/spark/sql/catalyst/optimizer/). Analysis already folds what the user wrote into constants (shown with
// the text they came from, e.g. (1 = 1)); these rules simplify around them and fold what other rules make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functions as F, SpateError } from '../../src/index.js';
import { runPlanCases, spark, testRelation, tree, type PlanCase } from './optimizer-support.js';

const FOLD = ['ConstantFolding', 'BooleanSimplification', 'PruneFilters'];

const CASES: readonly PlanCase[] = [
  {
    name: 'ConstantFoldingSuite "Constant folding test: expressions have attribute references and literals in predicates"',
    df: () => testRelation().where(
      '((a > 1 AND 1 = 1) OR (a < 10 AND 1 = 2) OR (1 = 1 AND b > 1) OR (1 = 2 AND b < 10)) AND '
      + '((a > 1 OR 1 = 1) AND (a < 10 OR 1 = 2) AND (1 = 1 OR b > 1) AND (1 = 2 OR b < 10))'),
    rules: FOLD,
    in: [
      '*Filter ((((((a > 1) AND (1 = 1)) OR ((a < 10) AND (1 = 2))) OR ((1 = 1) AND (b > 1))) OR ((1 = 2) AND (b < 10))) AND '
      + '(((((a > 1) OR (1 = 1)) AND ((a < 10) OR (1 = 2))) AND ((1 = 1) OR (b > 1))) AND ((1 = 2) OR (b < 10))))',
      '+- LocalTableScan [a, b, c]',
    ],
    // Spark's answer: ('a > 1 || 'b > 1) && ('a < 10 && 'b < 10)
    out: ['*Filter (((a > 1) OR (b > 1)) AND ((a < 10) AND (b < 10)))', '+- LocalTableScan [a, b, c]'],
  },
  {
    name: 'PruneFilters: a filter that is always true goes (Spark\'s PruneFilters: Filter(true, child) is child)',
    df: () => testRelation().where('1 = 1'),
    rules: FOLD,
    in: ['*Filter (1 = 1)', '+- LocalTableScan [a, b, c]'],
    out: ['LocalTableScan [a, b, c]'],
  },
  {
    name: 'BooleanSimplification: x AND false is false, x OR true is true (three-valued: exact for null x)',
    df: () => testRelation().select(F.expr('a > 1 AND 1 = 2').alias('f'), F.expr('a > 1 OR 2 = 2').alias('t')),
    rules: FOLD,
    in: ['*Project [((a > 1) AND (1 = 2)) AS f, ((a > 1) OR (2 = 2)) AS t]', '+- LocalTableScan [a, b, c]'],
    out: ['*Project [false AS f, true AS t]', '+- LocalTableScan [a, b, c]'],
  },
  {
    name: 'ConstantFoldingSuite "expressions only have literals": a condition made constant by reading through a projection folds, then goes',
    df: () => testRelation().select(F.lit(2).alias('x'), F.lit(3).alias('y'), 'a').where('x * y + 4 = 10'),
    in: ['*Filter (((x * y) + 4) = 10)', '+- *Project [2 AS x, 3 AS y, a]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [2 AS x, 3 AS y, a]', '+- LocalTableScan [a, b, c]'],
  },
  {
    name: 'a condition made false by the projection stays a filter (rows go, the plan keeps its shape)',
    df: () => testRelation().select(F.lit(2).alias('x'), 'a').where('x = 3 AND a > 0'),
    in: ['*Filter ((x = 3) AND (a > 0))', '+- *Project [2 AS x, a]', '   +- LocalTableScan [a, b, c]'],
    out: ['*Project [2 AS x, a]', '+- *Filter false', '   +- LocalTableScan [a, b, c]'],
  },
];

runPlanCases(CASES);

test('spark.sql.optimizer.excludedRules: a known rule is left out; an unknown name fails naming the rules', () => {
  const df = () => testRelation().where('1 = 1');
  spark.conf.set('spark.sql.optimizer.excludedRules', 'PruneFilters, BooleanSimplification');
  try {
    assert.deepEqual(tree(df().optimizedPlan()), ['*Filter (1 = 1)', '+- LocalTableScan [a, b, c]']);
  } finally { spark.conf.unset('spark.sql.optimizer.excludedRules'); }
  assert.deepEqual(tree(df().optimizedPlan()), ['LocalTableScan [a, b, c]']);
  assert.throws(() => spark.conf.set('spark.sql.optimizer.excludedRules', 'ColumnPrunning'),
    (e: unknown) => e instanceof SpateError && e.code === 'INVALID_CONF' && /ColumnPrunning/.test(e.message) && /ColumnPruning/.test(e.message));
});

test('explain(true) shows the optimized plan, as Spark\'s "== Optimized Logical Plan =="', () => {
  const text = testRelation().select('a', 'b').where('b > 1 AND 1 = 1').explainString(true);
  const section = text.split('== Optimized Logical Plan ==\n')[1]!.split('\n\n')[0]!;
  assert.equal(section, ['*Project [a, b]', '+- *Filter (b > 1)', '   +- LocalTableScan [a, b, c]'].join('\n'));
  assert.ok(text.indexOf('== Parsed Logical Plan ==') < text.indexOf('== Optimized Logical Plan ==') && text.indexOf('== Optimized Logical Plan ==') < text.indexOf('== Physical Plan =='));
});
