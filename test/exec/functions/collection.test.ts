import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callScalar } from '../../../src/expressions/functions/bind.js';
import type { Bound } from '../../../src/expressions/bound.js';
import { ArrayType, DoubleType, IntegerType, MapType, NullType, StringType, StructField, StructType, type DataType } from '../../../src/core/types.js';
import { UTC, arr, dbl, errorCode, int, lit, nul, run, str, typeOf } from './support.js';

const ref = (name: string, index: number, type: DataType = IntegerType): Bound => ({ kind: 'ref', index, type, nullable: true, name });
const m = (entries: [unknown, unknown][], kt = StringType, vt = IntegerType): Bound => lit(new Map(entries), MapType(kt, vt));

test('array() builds an array of the common type', () => {
  assert.deepEqual(run('array', int(1), int(2), int(3)), [1, 2, 3]);
  assert.deepEqual(run('array', int(1), dbl(2.5)), [1, 2.5]);
  assert.deepEqual(typeOf('array', int(1), dbl(2.5)), ArrayType(DoubleType, false));
  assert.deepEqual(run('array', int(1), nul()), [1, null]);
  assert.deepEqual(typeOf('array', int(1), nul()), ArrayType(IntegerType, true));
  assert.deepEqual(run('array'), []);
  assert.deepEqual(typeOf('array'), ArrayType(NullType, false));
});

test('size is -1 for null (legacy sizeOfNull), counts map entries', () => {
  assert.equal(run('size', arr([1, 2])), 2);
  assert.equal(run('size', arr([])), 0);
  assert.equal(run('size', lit(null, ArrayType(IntegerType))), -1);
  assert.equal(run('size', m([['a', 1], ['b', 2]])), 2);
  assert.equal(run('cardinality', arr([1])), 1);
  assert.equal(errorCode(() => run('size', int(1))), 'DATATYPE_MISMATCH');
});

test('array_contains and array_position with SQL null semantics', () => {
  assert.equal(run('array_contains', arr([1, 2, 3]), int(2)), true);
  assert.equal(run('array_contains', arr([1, 2]), int(3)), false);
  assert.equal(run('array_contains', arr([1, null]), int(3)), null);
  assert.equal(run('array_contains', arr([1, null]), int(1)), true);
  assert.equal(run('array_contains', arr([1, 2]), nul()), null);
  assert.equal(run('array_contains', arr([1.5, NaN], DoubleType), dbl(NaN)), true);
  assert.equal(run('array_contains', arr(['a'], StringType), str('a')), true);
  assert.equal(run('array_position', arr([312, 773, 708, 708]), int(708)), 3);
  assert.equal(run('array_position', arr([312, 773]), int(1)), 0);
  assert.equal(run('array_position', arr([1]), nul()), null);
});

test('element_at: 1-based, negative from the end, map keys', () => {
  assert.equal(run('element_at', arr([1, 2, 3]), int(2)), 2);
  assert.equal(run('element_at', arr([1, 2, 3]), int(-1)), 3);
  assert.equal(run('element_at', arr([1, 2, 3]), int(5)), null);
  assert.equal(run('element_at', arr([1, 2, 3]), int(-4)), null);
  assert.equal(errorCode(() => run('element_at', arr([1, 2, 3]), int(0))), 'INVALID_INDEX_OF_ZERO');
  assert.equal(run('element_at', m([['a', 1], ['b', 2]]), str('b')), 2);
  assert.equal(run('element_at', m([['a', 1]]), str('z')), null);
});

test('extract_value: 0-based array items, map values, struct fields', () => {
  assert.equal(run('extract_value', arr([10, 20]), int(0)), 10);
  assert.equal(run('extract_value', arr([10, 20]), int(2)), null);
  assert.equal(run('extract_value', arr([10, 20]), int(-1)), null);
  assert.equal(run('extract_value', m([['a', 1]]), str('a')), 1);
  const st = StructType([StructField('a', IntegerType), StructField('B', StringType)]);
  assert.equal(run('extract_value', lit([1, 'x'], st), str('a')), 1);
  assert.equal(run('extract_value', lit([1, 'x'], st), str('b')), 'x');
  assert.deepEqual(typeOf('extract_value', lit([1, 'x'], st), str('B')), StringType);
  assert.equal(errorCode(() => run('extract_value', lit([1, 'x'], st), str('zz'))), 'FIELD_NOT_FOUND');
});

test('struct names fields after columns, col1.. for other expressions; named_struct', () => {
  const call = callScalar('struct', [ref('id', 0), ref('s.name', 1, StringType), int(5)], UTC);
  assert.deepEqual((call.type as StructType).fields.map((f) => f.name), ['id', 'name', 'col3']);
  assert.deepEqual(run('struct', int(1), str('a')), [1, 'a']);
  assert.deepEqual(run('named_struct', str('a'), int(1), str('b'), str('x')), [1, 'x']);
  assert.deepEqual(typeOf('named_struct', str('a'), int(1)), StructType([StructField('a', IntegerType, false)]));
  assert.equal(errorCode(() => run('named_struct', str('a'))), 'WRONG_NUM_ARGS');
});

test('map / create_map reject null and duplicate keys; map_keys, map_values, map_from_arrays', () => {
  assert.deepEqual(run('map', str('a'), int(1), str('b'), int(2)), new Map([['a', 1], ['b', 2]]));
  assert.deepEqual(run('create_map', int(1), str('x')), new Map([[1, 'x']]));
  assert.equal(errorCode(() => run('map', str('a'), int(1), str('a'), int(2))), 'DUPLICATED_MAP_KEY');
  assert.equal(errorCode(() => run('map', lit(null, StringType), int(1))), 'NULL_MAP_KEY');
  assert.deepEqual(run('map_keys', m([['a', 1], ['b', 2]])), ['a', 'b']);
  assert.deepEqual(run('map_values', m([['a', 1], ['b', null]])), [1, null]);
  assert.deepEqual(run('map_from_arrays', arr(['a', 'b'], StringType), arr([1, 2])), new Map([['a', 1], ['b', 2]]));
  assert.equal(errorCode(() => run('map_from_arrays', arr(['a'], StringType), arr([1, 2]))), 'INVALID_PARAMETER_VALUE');
  assert.deepEqual(run('map_entries', m([['a', 1]])), [['a', 1]]);
});

test('array_distinct, array_join, array_max/min, sort_array', () => {
  assert.deepEqual(run('array_distinct', arr([1, 2, 3, null, 3, null])), [1, 2, 3, null]);
  assert.deepEqual(run('array_distinct', arr([NaN, 1, NaN], DoubleType)), [NaN, 1]);
  assert.deepEqual(run('array_distinct', lit([[1], [1], [2]], ArrayType(ArrayType(IntegerType)))), [[1], [2]]);
  assert.equal(run('array_join', arr(['hello', 'world'], StringType), str(' ')), 'hello world');
  assert.equal(run('array_join', arr(['hello', null, 'world'], StringType), str(' ')), 'hello world');
  assert.equal(run('array_join', arr(['hello', null, 'world'], StringType), str(' '), str(',')), 'hello , world');
  assert.equal(run('array_join', arr([1, 2]), str('-')), '1-2');
  assert.equal(run('array_max', arr([1, 20, null, 3])), 20);
  assert.equal(run('array_min', arr([1, 20, null, 3])), 1);
  assert.equal(run('array_max', arr([])), null);
  assert.ok(Number.isNaN(run('array_max', arr([1, NaN], DoubleType)) as number));
  assert.deepEqual(run('sort_array', arr(['b', 'd', null, 'c', 'a'], StringType)), [null, 'a', 'b', 'c', 'd']);
  assert.deepEqual(run('sort_array', arr(['b', 'd', null, 'c', 'a'], StringType), lit(false, { kind: 'boolean' })), ['d', 'c', 'b', 'a', null]);
  assert.deepEqual(run('sort_array', arr([2, NaN, -1], DoubleType)), [-1, 2, NaN]);
});

test('slice, flatten, arrays_zip', () => {
  assert.deepEqual(run('slice', arr([1, 2, 3, 4]), int(2), int(2)), [2, 3]);
  assert.deepEqual(run('slice', arr([1, 2, 3, 4]), int(-2), int(2)), [3, 4]);
  assert.deepEqual(run('slice', arr([1, 2, 3, 4]), int(3), int(10)), [3, 4]);
  assert.deepEqual(run('slice', arr([1, 2]), int(5), int(1)), []);
  assert.deepEqual(run('slice', arr([1, 2]), int(-5), int(1)), []);
  assert.equal(errorCode(() => run('slice', arr([1]), int(0), int(1))), 'INVALID_PARAMETER_VALUE');
  assert.equal(errorCode(() => run('slice', arr([1]), int(1), int(-1))), 'INVALID_PARAMETER_VALUE');
  const nested = (v: unknown[]) => lit(v, ArrayType(ArrayType(IntegerType), true));
  assert.deepEqual(run('flatten', nested([[1, 2], [3, 4]])), [1, 2, 3, 4]);
  assert.deepEqual(run('flatten', nested([[1, 2], null])), null);
  assert.deepEqual(run('arrays_zip', arr([1, 2]), arr([2, 3, 4])), [[1, 2], [2, 3], [null, 4]]);
  const z = callScalar('arrays_zip', [ref('a', 0, ArrayType(IntegerType)), arr([1])], UTC);
  assert.deepEqual(((z.type as { elementType: StructType }).elementType).fields.map((f) => f.name), ['a', '1']);
});
