/**
 * Known answers for mistakes a user makes: errors are raised when the
 * DataFrame is built (Spark analyses eagerly), carry a code, and name the
 * column or function at fault with a way out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisException, SparkSession, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('dataframe-errors').getOrCreate();
const df = () => spark.createDataFrame([[1, 'ann', 10], [2, 'bob', 20]], 'id INT, name STRING, amount INT');

type Coded = Error & { code?: string };
const analysis = (code: string, ...parts: RegExp[]) => (e: Coded): boolean => {
  assert.ok(e instanceof AnalysisException, `expected AnalysisException, got ${e.constructor.name}: ${e.message}`);
  assert.equal(e.code, code, e.message);
  for (const p of parts) assert.match(e.message, p);
  return true;
};

test('unresolved column: COLUMN_NOT_FOUND with the closest names', () => {
  assert.throws(() => df().select('nmae'), analysis('COLUMN_NOT_FOUND', /nmae/, /Did you mean/, /name/));
  assert.throws(() => df().filter(F.col('amuont').gt(1)), analysis('COLUMN_NOT_FOUND', /amuont/, /amount/));
  assert.throws(() => df().groupBy('nam').count(), analysis('COLUMN_NOT_FOUND', /nam/));
  assert.throws(() => df().orderBy('idd'), analysis('COLUMN_NOT_FOUND', /idd/, /id/));
  assert.throws(() => df().join(df(), 'ident'), (e: Coded) => e instanceof AnalysisException && /ident/.test(e.message));
});

test('column names resolve case-insensitively, as in Spark by default; the column keeps its own name', async () => {
  // Spark resolves `NAME` to the attribute `name` and outputs that (HiveResolutionSuite, SPARK-7269).
  assert.deepEqual(await df().select('NAME').limit(1).collect(), [{ name: 'ann' }]);
});

test('aggregate misuse: a non-grouped column, a nested aggregate, an aggregate in filter', () => {
  assert.throws(() => df().groupBy('name').agg(F.col('amount')), (e: Coded) => e instanceof AnalysisException && /amount/.test(e.message));
  assert.throws(() => df().agg(F.sum(F.sum('amount'))), (e: Coded) => e instanceof AnalysisException && /sum/i.test(e.message));
  assert.throws(() => df().filter(F.sum('amount').gt(1)), (e: Coded) => e instanceof AnalysisException && /sum/i.test(e.message));
  assert.throws(() => df().groupBy('name').agg(), (e: Coded) => e.code === 'EMPTY_AGGREGATION');
  assert.throws(() => df().select(F.col('id'), F.sum('amount')), (e: Coded) => e instanceof AnalysisException && /id/.test(e.message));
});

test('type errors: a function on the wrong type, a cast Spark does not allow, an unknown type name', () => {
  assert.throws(() => df().select(F.array('id').cast('int')), (e: Coded) => e instanceof AnalysisException && /array/i.test(e.message));
  assert.throws(() => df().select(F.col('id').cast('notatype')), (e: Coded) => /notatype/.test(e.message));
  assert.throws(() => df().select(F.explode('id')), (e: Coded) => e instanceof AnalysisException && /explode/.test(e.message));
});

test('a bad string cast is null, not an error (non-ANSI)', async () => {
  const rows = await spark.createDataFrame([['12'], [' 7 '], ['abc'], ['1.5'], [null]], 's STRING').select(F.col('s').cast('int').alias('i')).collect();
  assert.deepEqual(rows.map((r) => r['i']), [12, 7, null, 1, null]);
});

test('ambiguous reference after a join on an expression', () => {
  const a = df();
  const b = spark.createDataFrame([[1, 'x']], 'id INT, tag STRING');
  const j = a.join(b, a.col('id').eq(b.col('id')));
  assert.throws(() => j.select('id'), analysis('AMBIGUOUS_REFERENCE', /id/));
  assert.doesNotThrow(() => j.select(a.col('id'), 'tag'));
});

test('bad arguments name the method', () => {
  assert.throws(() => df().limit(1.5), (e: Coded) => /limit/.test(e.message));
  assert.throws(() => df().toDF('only_one'), (e: Coded) => e.code === 'NUM_COLUMNS_MISMATCH' && /3 columns/.test(e.message));
  assert.throws(() => spark.createDataFrame([[1, 2]], 'a INT'), (e: Coded) => /row 0/.test(e.message));
  assert.throws(() => spark.createDataFrame([['x']], 'a INT'), (e: Coded) => /\ba\b/.test(e.message));
});
