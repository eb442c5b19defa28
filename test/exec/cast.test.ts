import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castFunction, formatDouble, formatFloat, toStringFn } from '../../src/expressions/cast.js';
import { castTo } from '../../src/expressions/functions/bind.js';
import { parseDate, parseTimestamp } from '../../src/core/datetime.js';
import {
  ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType, NullType,
  StringType, StructField, StructType, TimestampType, type DataType,
} from '../../src/core/types.js';

const cast = (from: DataType, to: DataType, v: unknown, tz?: string) => {
  const f = castFunction(from, to, tz);
  assert.ok(f, `cast ${from.kind} -> ${to.kind} should be allowed`);
  return f(v);
};
const micros = (s: string) => parseTimestamp(s)!;

test('string to integral: trims, truncates decimals, null when invalid or out of range', () => {
  assert.equal(cast(StringType, IntegerType, ' 42 '), 42);
  assert.equal(cast(StringType, IntegerType, '12.7'), 12);
  assert.equal(cast(StringType, IntegerType, '-12.7'), -12);
  assert.equal(cast(StringType, IntegerType, '+5'), 5);
  assert.equal(cast(StringType, IntegerType, 'abc'), null);
  assert.equal(cast(StringType, IntegerType, ''), null);
  assert.equal(cast(StringType, IntegerType, '1e3'), null);
  assert.equal(cast(StringType, IntegerType, '2147483648'), null);
  assert.equal(cast(StringType, LongType, '2147483648'), 2147483648);
  assert.equal(cast(StringType, LongType, '99999999999999999999'), null);
});

test('numeric narrowing: fractions truncate and saturate, integers wrap, NaN is 0', () => {
  assert.equal(cast(DoubleType, IntegerType, -1.9), -1);
  assert.equal(cast(DoubleType, IntegerType, 1e10), 2147483647);
  assert.equal(cast(DoubleType, IntegerType, NaN), 0);
  assert.equal(cast(LongType, IntegerType, 2147483648), -2147483648);
  assert.equal(cast(DoubleType, DecimalType(5, 2), 123.456), 123.46);
  assert.equal(cast(DoubleType, DecimalType(5, 2), 1234.5), null);
  assert.equal(cast(StringType, DoubleType, ' 1.5 '), 1.5);
  assert.equal(cast(StringType, DoubleType, 'Infinity'), Infinity);
  assert.ok(Number.isNaN(cast(StringType, DoubleType, 'NaN') as number));
  assert.equal(cast(StringType, DoubleType, '1,5'), null);
  assert.equal(cast(DoubleType, FloatType, 0.1), Math.fround(0.1));
});

test('booleans', () => {
  assert.equal(cast(StringType, BooleanType, 'yes'), true);
  assert.equal(cast(StringType, BooleanType, ' F '), false);
  assert.equal(cast(StringType, BooleanType, 'maybe'), null);
  assert.equal(cast(IntegerType, BooleanType, 2), true);
  assert.equal(cast(DoubleType, BooleanType, 0), false);
  assert.equal(cast(BooleanType, IntegerType, true), 1);
  assert.equal(cast(DateType, BooleanType, 1), null);
});

test('to string: Java number formatting, Spark nested forms', () => {
  assert.equal(cast(FloatType, StringType, Math.fround(0.1)), '0.1');
  assert.equal(cast(FloatType, StringType, Math.fround(1.1)), '1.1');
  assert.equal(cast(DoubleType, StringType, 1e7), '1.0E7');
  assert.equal(cast(DoubleType, StringType, 0.001), '0.001');
  assert.equal(cast(DoubleType, StringType, 1e-4), '1.0E-4');
  assert.equal(cast(DoubleType, StringType, 100), '100.0');
  assert.equal(cast(DecimalType(5, 2), StringType, 1.5), '1.50');
  assert.equal(cast(ArrayType(IntegerType), StringType, [1, null]), '[1, null]');
  assert.equal(cast(MapType(StringType, IntegerType), StringType, new Map([['a', 1]])), '{a -> 1}');
  assert.equal(cast(StructType([StructField('a', IntegerType), StructField('b', StringType)]), StringType, [1, null]), '{1, null}');
  assert.equal(cast(BinaryType, StringType, new TextEncoder().encode('hé')), 'hé');
  assert.equal(formatFloat(Math.fround(3.4e38)), '3.4E38');
  assert.equal(formatDouble(-0), '-0.0');
  assert.equal(toStringFn(DateType)(parseDate('2024-02-29')), '2024-02-29');
});

test('timestamps and dates use the session time zone', () => {
  const t = micros('2024-07-01 07:00:00');
  assert.equal(cast(TimestampType, StringType, t), '2024-07-01 07:00:00');
  assert.equal(cast(TimestampType, StringType, t, 'America/Los_Angeles'), '2024-07-01 00:00:00');
  assert.equal(cast(TimestampType, StringType, t + 1500, 'UTC'), '2024-07-01 07:00:00.0015');
  assert.equal(cast(StringType, TimestampType, '2024-07-01 00:00:00', 'America/Los_Angeles'), t);
  assert.equal(cast(StringType, TimestampType, '2024-07-01T07:00:00Z', 'America/Los_Angeles'), t);
  assert.equal(cast(StringType, TimestampType, '2024-07-01', 'America/Los_Angeles'), t);
  assert.equal(cast(StringType, TimestampType, '2024-02-30 00:00:00'), null);
  assert.equal(cast(TimestampType, DateType, micros('2024-07-01 03:00:00'), 'America/Los_Angeles'), parseDate('2024-06-30'));
  assert.equal(cast(TimestampType, DateType, micros('2024-07-01 03:00:00')), parseDate('2024-07-01'));
  assert.equal(cast(DateType, TimestampType, parseDate('2024-07-01'), 'America/Los_Angeles'), t);
  assert.equal(cast(StringType, DateType, '2024-07-01 23:59:59'), parseDate('2024-07-01'));
  assert.equal(cast(StringType, DateType, '2024-7-1'), parseDate('2024-07-01'));
});

test('numbers and timestamps: seconds since the epoch', () => {
  assert.equal(cast(LongType, TimestampType, 1), 1_000_000);
  assert.equal(cast(DoubleType, TimestampType, 1.5), 1_500_000);
  assert.equal(cast(DoubleType, TimestampType, NaN), null);
  assert.equal(cast(DoubleType, TimestampType, Infinity), null);
  assert.equal(cast(TimestampType, LongType, -1), -1);
  assert.equal(cast(TimestampType, DoubleType, 1_500_000), 1.5);
  assert.equal(cast(DateType, IntegerType, 5), null);
  assert.equal(cast(DateType, DoubleType, 5), null);
});

test('binary, nested and unsupported casts', () => {
  assert.deepEqual(cast(StringType, BinaryType, 'hé'), new TextEncoder().encode('hé'));
  assert.deepEqual(cast(IntegerType, BinaryType, 1), new Uint8Array([0, 0, 0, 1]));
  assert.deepEqual(cast(LongType, BinaryType, -1), new Uint8Array(8).fill(255));
  assert.deepEqual(cast(ArrayType(IntegerType), ArrayType(StringType), [1, null]), ['1', null]);
  assert.deepEqual(cast(ArrayType(StringType), ArrayType(IntegerType), ['1', 'x']), [1, null]);
  assert.deepEqual(cast(MapType(StringType, StringType), MapType(StringType, IntegerType), new Map([['a', '1']])), new Map([['a', 1]]));
  assert.deepEqual(cast(StructType([StructField('a', StringType)]), StructType([StructField('x', IntegerType)]), ['7']), [7]);
  assert.equal(cast(NullType, IntegerType, null), null);
  assert.equal(castFunction(DateType, BinaryType), undefined);
  assert.equal(castFunction(IntegerType, DateType), undefined);
  assert.equal(castFunction(ArrayType(IntegerType), IntegerType), undefined);
  assert.throws(() => castTo({ kind: 'lit', value: 1, type: IntegerType, nullable: false }, DateType, true), { code: 'CAST_NOT_SUPPORTED' });
  const bound = castTo({ kind: 'lit', value: '2024-07-01 00:00:00', type: StringType, nullable: false }, TimestampType, true, 'America/Los_Angeles');
  assert.equal(bound.kind === 'call' && bound.impl('2024-07-01 00:00:00'), micros('2024-07-01 07:00:00'));
});
