import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArrayType, BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType, MapType, StringType, NullType,
} from '../../../src/core/types.js';
import { aggregateNames, isAggregateName, lookupAggregate } from '../../../src/expressions/aggregate/registry.js';
import { HashAggregator } from '../../../src/exec/aggregate/hash-aggregate.js';
import { vectorFromValues, vectorToArray } from '../../../src/core/vector.js';
import { col, constant, global, resolve, runAgg } from './agg-helpers.js';

const ints = (...v: (number | null)[]) => col(IntegerType, v);
const dbls = (...v: (number | null)[]) => col(DoubleType, v);
const close = (a: unknown, b: number) => assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-12, `${String(a)} ≈ ${b}`);

test('registry knows Spark names and aliases, case-insensitively', () => {
  for (const n of ['count', 'SUM', 'avg', 'mean', 'min', 'max', 'first', 'last', 'collect_list', 'collect_set', 'stddev', 'stddev_samp',
    'stddev_pop', 'variance', 'var_samp', 'var_pop', 'count_if', 'bool_and', 'bool_or', 'every', 'some', 'any', 'approx_count_distinct']) {
    assert.ok(isAggregateName(n), n);
  }
  assert.ok(!isAggregateName('upper'));
  assert.equal(lookupAggregate('nope'), undefined);
  assert.ok(aggregateNames().includes('mean'));
});

test('count: count(*) as count(1), count(x) skips nulls, bigint never null, 0 on empty', () => {
  assert.equal(global('count', [constant(IntegerType, 1), ]), 0);
  const { rows } = runAgg('count', [constant(IntegerType, 1)], { keys: { type: StringType, values: ['a', 'b', 'a'] } });
  assert.deepEqual(rows, [['a', 2], ['b', 1]]);
  assert.equal(global('count', [ints(1, null, 3)]), 2);
  const r = resolve('count', [ints()]);
  assert.equal(r.type, LongType);
  assert.equal(r.nullable, false);
  // count(a, b) counts rows where every argument is non-null.
  assert.equal(global('count', [ints(1, null, 3, 4), ints(1, 2, null, 4)]), 2);
});

test('sum: types as Spark, null without input, NaN propagates', () => {
  assert.equal(resolve('sum', [ints()]).type, LongType);
  assert.equal(resolve('sum', [dbls()]).type, DoubleType);
  assert.deepEqual(resolve('sum', [col(DecimalType(5, 2), [])]).type, DecimalType(15, 2));
  assert.deepEqual(resolve('sum', [col(DecimalType(35, 2), [])]).type, DecimalType(38, 2));
  assert.equal(resolve('sum', [col(StringType, [])]).type, DoubleType);
  assert.equal(global('sum', [ints(1, 2, null, 2147483647)]), 2147483650);
  assert.equal(global('sum', [ints()]), null);
  assert.equal(global('sum', [ints(null, null)]), null);
  assert.ok(Number.isNaN(global('sum', [dbls(1.5, NaN)])));
  assert.equal(global('sum', [col(StringType, ['1.5', 'x', '2'])]), 3.5);
  assert.equal(global('sum', [col(DecimalType(5, 2), [0.1, 0.2])]), 0.3);
  assert.throws(() => resolve('sum', [col(BooleanType, [])]), /sum\(\) argument 1 \(c0\) has type boolean, but numeric/);
});

test('avg/mean: double, decimal(p+4,s+4), null on empty', () => {
  assert.equal(global('avg', [ints(1, 2, 3, 4, null)]), 2.5);
  assert.equal(global('mean', [ints(1, 2)]), 1.5);
  assert.equal(global('avg', [ints()]), null);
  assert.equal(resolve('avg', [ints()]).type, DoubleType);
  assert.deepEqual(resolve('avg', [col(DecimalType(10, 2), [])]).type, DecimalType(14, 6));
  assert.deepEqual(resolve('avg', [col(DecimalType(38, 36), [])]).type, DecimalType(38, 38));
  assert.equal(global('avg', [col(DecimalType(10, 2), [1, 2, 2])]), 1.666667);
});

test('min/max: NaN is largest, strings, dates, nulls skipped', () => {
  assert.ok(Number.isNaN(global('max', [dbls(1, NaN, 3)])));
  assert.equal(global('min', [dbls(NaN, 1, 3)]), 1);
  assert.ok(Number.isNaN(global('min', [dbls(NaN, NaN)])));
  assert.equal(global('max', [dbls(null, null)]), null);
  assert.equal(global('min', [col(StringType, ['b', null, 'a', 'c'])]), 'a');
  assert.equal(global('max', [col(StringType, ['b', 'a', 'c'])]), 'c');
  assert.equal(global('max', [col(DateType, [19000, 19500, null])]), 19500);
  assert.deepEqual(global('max', [col(ArrayType(IntegerType), [[1, 2], [1, 3], [1]])]), [1, 3]);
  assert.equal(resolve('max', [col(DateType, [])]).type, DateType);
  assert.throws(() => resolve('max', [col(MapType(StringType, IntegerType), [])]), /not orderable/);
  const { rows } = runAgg('max', [ints(1, 5, 3, null)], { keys: { type: StringType, values: ['x', 'y', 'x', 'z'] } });
  assert.deepEqual(rows, [['x', 3], ['y', 5], ['z', null]]);
});

test('first/last, with and without ignoreNulls', () => {
  assert.equal(global('first', [ints(null, 2, 3)]), null);
  assert.equal(global('first', [ints(null, 2, 3)], { ignoreNulls: true }), 2);
  assert.equal(global('first', [ints(null, 2, 3), constant(BooleanType, true)]), 2);
  assert.equal(global('last', [ints(1, 2, null)]), null);
  assert.equal(global('last', [ints(1, 2, null)], { ignoreNulls: true }), 2);
  assert.equal(global('first', [ints()]), null);
  assert.equal(resolve('first', [ints()], { ignoreNulls: true }).display, 'first(c0) IGNORE NULLS');
  assert.equal(global('first_value', [col(StringType, ['a', 'b'])]), 'a');
});

test('collect_list / collect_set: skip nulls, never null, empty array without input', () => {
  assert.deepEqual(global('collect_list', [ints(1, null, 2, 1)]), [1, 2, 1]);
  assert.deepEqual(global('collect_set', [ints(1, null, 2, 1)]), [1, 2]);
  assert.deepEqual(global('collect_list', [ints()]), []);
  const set = global('collect_set', [dbls(NaN, NaN, 0, -0)]) as number[];
  assert.equal(set.length, 2);
  assert.deepEqual(global('collect_set', [col(ArrayType(IntegerType), [[1], [1], [2]])]), [[1], [2]]);
  assert.deepEqual(global('collect_list', [col(BooleanType, [true, false])]), [true, false]);
  const r = resolve('collect_list', [ints()]);
  assert.deepEqual(r.type, ArrayType(IntegerType, false));
  assert.equal(r.nullable, false);
  assert.throws(() => resolve('collect_set', [col(MapType(StringType, IntegerType), [])]), /map type/);
});

test('variance and stddev: Spark values; null for n<=1 (samp) and n=0', () => {
  const x = ints(1, 2, 3, 4, null);
  close(global('var_samp', [x]), 1.6666666666666667);
  close(global('variance', [x]), 1.6666666666666667);
  close(global('var_pop', [x]), 1.25);
  close(global('stddev_samp', [x]), 1.2909944487358056);
  close(global('stddev', [x]), 1.2909944487358056);
  close(global('stddev_pop', [x]), 1.118033988749895);
  assert.equal(global('stddev_samp', [ints(5)]), null);
  assert.equal(global('var_samp', [ints(5)]), null);
  assert.equal(global('var_pop', [ints(5)]), 0);
  assert.equal(global('stddev_pop', [ints()]), null);
  assert.ok(Number.isNaN(global('var_pop', [dbls(1, NaN)])));
  assert.equal(resolve('stddev', [ints()]).type, DoubleType);
});

test('count_if and boolean aggregates', () => {
  const b = col(BooleanType, [true, false, null, true]);
  assert.equal(global('count_if', [b]), 2);
  assert.equal(global('count_if', [col(BooleanType, [])]), 0);
  assert.equal(global('bool_and', [col(BooleanType, [true, null, true])]), true);
  assert.equal(global('every', [col(BooleanType, [true, false])]), false);
  assert.equal(global('bool_or', [col(BooleanType, [false, null, true])]), true);
  assert.equal(global('some', [col(BooleanType, [false, false])]), false);
  assert.equal(global('any', [col(BooleanType, [null, null])]), null);
  assert.equal(global('bool_and', [col(BooleanType, [])]), null);
  assert.throws(() => resolve('bool_and', [ints()]), /bool_and\(\) argument 1 .* boolean/);
  assert.throws(() => resolve('count_if', [ints()]), /count_if/);
});

test('DISTINCT: count, sum, avg, collect_list over distinct values per group', () => {
  assert.equal(global('count', [ints(1, 1, 2, null, 2)], { distinct: true }), 2);
  assert.equal(global('count', [ints(1, 1, 2, null), ints(1, 1, null, 3)], { distinct: true }), 1);
  assert.equal(global('sum', [ints(1, 1, 2)], { distinct: true }), 3);
  assert.equal(global('avg', [ints(1, 1, 3)], { distinct: true }), 2);
  assert.equal(global('count', [dbls(NaN, NaN, 0, -0, 1)], { distinct: true }), 3);
  assert.ok(Number.isNaN(global('sum', [dbls(NaN, NaN, 1)], { distinct: true })));
  assert.equal(global('count', [ints()], { distinct: true }), 0);
  const { rows } = runAgg('count', [ints(1, 1, 1, 2, 2)], { distinct: true, keys: { type: StringType, values: ['a', 'a', 'b', 'b', 'b'] } });
  assert.deepEqual(rows, [['a', 1], ['b', 2]]);
});

test('approx_count_distinct: exact for small inputs, bigint never null', () => {
  // Spark's doc example: approx_count_distinct over 1, 1, 2, 2, 3 = 3.
  assert.equal(global('approx_count_distinct', [ints(1, 1, 2, 2, 3)]), 3);
  assert.equal(global('approx_count_distinct', [ints()]), 0);
  assert.equal(global('approx_count_distinct', [col(StringType, ['a', 'b', null, 'a'])]), 2);
  assert.equal(global('approx_count_distinct', [dbls(0, -0, NaN, NaN)]), 2);
  const r = resolve('approx_count_distinct', [ints()]);
  assert.equal(r.type, LongType);
  assert.equal(r.nullable, false);
  assert.throws(() => resolve('approx_count_distinct', [ints(), constant(DoubleType, 0.5)]), /at most 0.39/);
  assert.throws(() => resolve('approx_count_distinct', [ints(), col(DoubleType, [])]), /constant number/);
});

test('null-typed input: count 0, sum null, collect_list empty', () => {
  const nul = col(NullType, [null, null]);
  assert.equal(global('count', [nul]), 0);
  assert.equal(global('sum', [nul]), null);
  assert.equal(global('max', [nul]), null);
});

test('HashAggregator: global aggregation on empty input yields one row; groups in first-seen order over batches', () => {
  const count = resolve('count', [constant(IntegerType, 1)]);
  const sum = resolve('sum', [ints()]);
  const g = new HashAggregator([], [count, sum]);
  g.add([], [[vectorFromValues(IntegerType, [])], [vectorFromValues(LongType, [])]], 0);
  const out = g.finish();
  assert.equal(out.numGroups, 1);
  assert.deepEqual(vectorToArray(out.results[0]!), [0]);
  assert.deepEqual(vectorToArray(out.results[1]!), [null]);

  const h = new HashAggregator([StringType, IntegerType], [sum]);
  h.add([vectorFromValues(StringType, ['b', 'a', 'b']), vectorFromValues(IntegerType, [1, 1, 1])], [[vectorFromValues(LongType, [1, 2, 3])]], 3);
  h.add([vectorFromValues(StringType, ['c', 'a']), vectorFromValues(IntegerType, [1, 2])], [[vectorFromValues(LongType, [4, null])]], 2);
  const r = h.finish();
  assert.equal(r.numGroups, 4);
  assert.deepEqual(vectorToArray(r.keys[0]!), ['b', 'a', 'c', 'a']);
  assert.deepEqual(vectorToArray(r.keys[1]!), [1, 1, 1, 2]);
  assert.deepEqual(vectorToArray(r.results[0]!), [4, 2, 4, null]);
  assert.ok(h.memoryBytes() > 0);
});
