/**
 * Known answers for what a user reads back: show() strings (Spark 3.5 prints
 * NULL), explain() operators, Arrow round trips, generators
 * (explode/posexplode/explode_outer) and null handling (na.fill / na.drop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { SparkSession, functions as F } from '../../src/index.js';

const spark = SparkSession.builder.appName('dataframe-output').getOrCreate();

test('showString: right-aligned cells, NULL, footer when rows remain', async () => {
  const df = spark.createDataFrame([[1, 'ann', 1.5], [2, null, null], [3, 'cy', 2.0]], 'id INT, name STRING, score DOUBLE');
  assert.equal(await df.showString(), [
    '+---+----+-----+',
    '| id|name|score|',
    '+---+----+-----+',
    '|  1| ann|  1.5|',
    '|  2|NULL| NULL|',
    '|  3|  cy|  2.0|',
    '+---+----+-----+',
    '',
  ].join('\n'));
  assert.equal(await df.select('id').showString(1), '+---+\n| id|\n+---+\n|  1|\n+---+\nonly showing top 1 row\n');
  assert.equal(await df.select('id').showString(2), '+---+\n| id|\n+---+\n|  1|\n|  2|\n+---+\nonly showing top 2 rows\n');
  assert.equal(await df.filter('id > 5').showString(), '+---+----+-----+\n| id|name|score|\n+---+----+-----+\n+---+----+-----+\n');
});

test('showString: truncation to 20 characters, to n, and none (left-aligned)', async () => {
  const df = spark.createDataFrame([['abcdefghijklmnopqrstuvwxyz']], 's STRING');
  assert.equal(await df.showString(), '+--------------------+\n|                   s|\n+--------------------+\n|abcdefghijklmnopq...|\n+--------------------+\n');
  assert.equal(await df.showString(20, 5), '+-----+\n|    s|\n+-----+\n|ab...|\n+-----+\n');
  assert.equal(await df.showString(20, false), [
    '+--------------------------+', '|s                         |', '+--------------------------+',
    '|abcdefghijklmnopqrstuvwxyz|', '+--------------------------+', ''].join('\n'));
});

test('showString: vertical', async () => {
  const df = spark.createDataFrame([[1, 'ann'], [2, null]], 'id INT, name STRING');
  assert.equal(await df.showString(20, true, true), [
    '-RECORD 0----', ' id   | 1    ', ' name | ann  ',
    '-RECORD 1----', ' id   | 2    ', ' name | NULL ', ''].join('\n'));
});

test('showString renders dates, timestamps, booleans, arrays and maps as Spark does', async () => {
  const df = spark.createDataFrame([[true]], 'b BOOLEAN').select(
    'b', F.to_date(F.lit('2024-01-02')).alias('d'), F.to_timestamp(F.lit('2024-01-02 03:04:05')).alias('t'),
    F.array(F.lit(1), F.lit(2)).alias('a'), F.create_map(F.lit('k'), F.lit(1)).alias('m'));
  assert.equal(await df.showString(), [
    '+----+----------+-------------------+------+--------+',
    '|   b|         d|                  t|     a|       m|',
    '+----+----------+-------------------+------+--------+',
    '|true|2024-01-02|2024-01-02 03:04:05|[1, 2]|{k -> 1}|',
    '+----+----------+-------------------+------+--------+',
    ''].join('\n'));
});

test('explain names the operators of the plan', () => {
  const a = spark.createDataFrame([[1, 'x']], 'id INT, s STRING');
  const b = spark.createDataFrame([[1, 2.0]], 'id INT, v DOUBLE');
  const plan = a.filter('id > 0').join(b, 'id').groupBy('s').agg(F.sum('v')).orderBy('s').explainString();
  assert.match(plan, /== Physical Plan ==/);
  for (const op of ['Filter', 'Join', 'Aggregate', 'Sort', 'LocalTableScan']) assert.match(plan, new RegExp(op), `${op} missing in:\n${plan}`);
  assert.match(a.select('s').limit(1).explainString(true), /Parsed Logical Plan[\s\S]*Physical Plan[\s\S]*Limit/);
});

test('toArrow and createDataFrame(arrowTable) round-trip every scalar type and nulls', async () => {
  const df = spark.createDataFrame(
    [[1, 5_000_000_000, 1.5, 'x', true, new Date('2024-01-02T00:00:00Z'), new Date('2024-01-02T03:04:05.123Z'), [1, null]],
      [null, null, null, null, null, null, null, null]],
    'i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dt DATE, ts TIMESTAMP, xs ARRAY<INT>');
  const table = await df.toArrow();
  assert.equal(table.numRows, 2);
  const types = table.schema.fields.map((f) => f.type);
  assert.ok(arrow.DataType.isInt(types[0]) && (types[0] as arrow.Int).bitWidth === 32);
  assert.ok(arrow.DataType.isInt(types[1]) && (types[1] as arrow.Int).bitWidth === 64);
  assert.ok(arrow.DataType.isFloat(types[2]) && arrow.DataType.isUtf8(types[3]) && arrow.DataType.isBool(types[4]));
  assert.ok(arrow.DataType.isDate(types[5]) && arrow.DataType.isTimestamp(types[6]) && arrow.DataType.isList(types[7]));
  const back = spark.createDataFrame(table);
  assert.deepEqual(back.dtypes, df.dtypes);
  assert.deepEqual(await back.collect(), await df.collect());
});

test('explode, posexplode and explode_outer', async () => {
  const df = spark.createDataFrame([[1, [10, 20]], [2, []], [3, null]], 'id INT, xs ARRAY<INT>');
  assert.deepEqual(await df.select('id', F.explode('xs')).collect(), [{ id: 1, col: 10 }, { id: 1, col: 20 }]);
  assert.deepEqual(await df.select('id', F.posexplode('xs')).collect(), [{ id: 1, pos: 0, col: 10 }, { id: 1, pos: 1, col: 20 }]);
  assert.deepEqual(await df.select('id', F.explode_outer('xs').alias('x')).collect(),
    [{ id: 1, x: 10 }, { id: 1, x: 20 }, { id: 2, x: null }, { id: 3, x: null }]);
  const m = spark.createDataFrame([[new Map([['a', 1], ['b', 2]])]], 'm MAP<STRING, INT>');
  assert.deepEqual(await m.select(F.explode('m')).collect(), [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
  assert.deepEqual(await df.withColumn('x', F.explode('xs')).groupBy('id').agg(F.sum('x').alias('s')).collect(), [{ id: 1, s: 30 }]);
});

test('na.fill by type, by subset and by column map', async () => {
  const df = spark.createDataFrame([[null, null, null, null], [1, 'x', 2.5, true]], 'a INT, s STRING, d DOUBLE, b BOOLEAN');
  assert.deepEqual((await df.na.fill(0).collect())[0], { a: 0, s: null, d: 0, b: null });
  assert.deepEqual((await df.na.fill('z').collect())[0], { a: null, s: 'z', d: null, b: null });
  assert.deepEqual((await df.na.fill(1.9, ['a']).collect())[0], { a: 1, s: null, d: null, b: null }, 'the fill value is cast to the column type');
  assert.deepEqual((await df.na.fill({ a: 9, s: 'q', b: false }).collect())[0], { a: 9, s: 'q', d: null, b: false });
  assert.deepEqual((await df.fillna(7).collect())[1], { a: 1, s: 'x', d: 2.5, b: true }, 'non-null values are kept');
});

test('na.drop: any, all, thresh, subset', async () => {
  const df = spark.createDataFrame([[1, 'x'], [null, 'y'], [null, null], [2, null]], 'a INT, s STRING');
  const ids = async (d: typeof df) => (await d.collect()).map((r) => `${r['a']}/${r['s']}`);
  assert.deepEqual(await ids(df.na.drop()), ['1/x']);
  assert.deepEqual(await ids(df.na.drop('all')), ['1/x', 'null/y', '2/null']);
  assert.deepEqual(await ids(df.na.drop('any', 1)), ['1/x', 'null/y', '2/null']);
  assert.deepEqual(await ids(df.na.drop('any', undefined, ['a'])), ['1/x', '2/null']);
  assert.deepEqual(await ids(df.dropna('any', undefined, ['s'])), ['1/x', 'null/y']);
});
