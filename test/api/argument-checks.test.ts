/**
 * Public API misuse from JavaScript (no type checker) fails at the call with
 * INVALID_ARGUMENT naming the method, the parameter and what it takes, not a
 * TypeError from inside the planner (issue 13).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkSession, SpateError, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('argument-checks').getOrCreate();
const df = spark.createDataFrame([[1, 'a']], 'id INT, s STRING');
// Calls as plain JavaScript makes them: no types.
const js = df as unknown as Record<string, (...args: unknown[]) => unknown>;
const Fjs = F as unknown as Record<string, (...args: unknown[]) => unknown>;

const invalid = (...parts: RegExp[]) => (e: unknown): boolean => {
  assert.ok(e instanceof SpateError, `expected a SpateError, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  assert.equal(e.code, 'INVALID_ARGUMENT', e.message);
  for (const p of parts) assert.match(e.message, p);
  return true;
};

const cases: [string, () => unknown, RegExp[]][] = [
  ['df.filter(5)', () => js.filter!.call(df, 5), [/filter\(condition\)/, /a Column or a SQL expression string/, /got number 5/]],
  ['df.filter(undefined)', () => js.filter!.call(df, undefined), [/filter/, /got undefined/]],
  ['df.where(null)', () => js.where!.call(df, null), [/got null/]],
  ['df.select(null)', () => js.select!.call(df, null), [/select\(\)/, /Column or a column name/, /got null/]],
  ['df.select("id", 5)', () => js.select!.call(df, 'id', 5), [/select\(\)/, /got number 5/]],
  ['df.groupBy(123)', () => js.groupBy!.call(df, 123), [/groupBy\(\)/, /got number 123/]],
  ['df.orderBy(undefined)', () => js.orderBy!.call(df, undefined), [/orderBy\(\)/]],
  ["df.withColumn('x', 'not a column')", () => js.withColumn!.call(df, 'x', 'not a column'), [/withColumn\(name, col\)/, /col must be a Column/, /got string "not a column"/]],
  ['df.withColumn(5, col)', () => js.withColumn!.call(df, 5, F.col('id')), [/name must be a column name/]],
  ['df.withColumns({ x: 1 })', () => js.withColumns!.call(df, { x: 1 }), [/cols\['x'\] must be a Column/]],
  ['df.drop(5)', () => js.drop!.call(df, 5), [/drop\(\)/, /got number 5/]],
  ['df.join(5)', () => js.join!.call(df, 5), [/join/, /other must be a DataFrame/]],
  ['df.join(df, 5)', () => js.join!.call(df, df, 5), [/on must be an array of column names/]],
  ['df.union({})', () => js.union!.call(df, {}), [/union\(other\)/, /got an object/]],
  ['df.dropDuplicates("id")', () => js.dropDuplicates!.call(df, 'id'), [/subset must be an array of column names/, /got string "id"/]],
  ['df.withWatermark(5, ...)', () => js.withWatermark!.call(df, 5, '1 minute'), [/eventTime must be a column name/]],
  ['df.selectExpr(5)', () => js.selectExpr!.call(df, 5), [/selectExpr/, /SQL expression string/]],
  ['df.col(5)', () => js.col!.call(df, 5), [/df\.col\(name\)/]],
  ['F.col(undefined)', () => Fjs.col!(undefined), [/col\(name\)/, /got undefined/]],
  ['F.expr(5)', () => Fjs.expr!(5), [/expr\(sql\)/]],
  ['F.when(5, 1)', () => Fjs.when!(5, 1), [/when\(condition, value\)/, /a Column/]],
  ['F.sum(undefined)', () => Fjs.sum!(undefined), [/Column or a column name/, /got undefined/]],
  ["F.col('id').alias(5)", () => (F.col('id') as unknown as Record<string, (...a: unknown[]) => unknown>).alias!.call(F.col('id'), 5), [/alias/]],
];

for (const [name, call, parts] of cases) {
  test(`${name} is an INVALID_ARGUMENT saying what was expected`, () => {
    assert.throws(call, invalid(...parts));
  });
}

test('the checks let every well-typed call through', async () => {
  const out = df.filter('id > 0').filter(F.col('id').gt(0)).select('id', F.col('s')).withColumn('t', F.lit(1))
    .withColumnRenamed('t', 'u').dropDuplicates(['id']).drop('u').orderBy('id');
  assert.deepEqual(await out.collect(), [{ id: 1, s: 'a' }]);
  assert.deepEqual(await df.join(df, 'id').select('id').collect(), [{ id: 1 }]);
  assert.deepEqual(await df.join(df, ['id'], 'left').select('id').collect(), [{ id: 1 }]);
});
