import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/expressions/functions/operators.js';
import { callScalar } from '../../src/expressions/functions/bind.js';
import { evalConstant } from '../../src/expressions/interpret.js';
import type { Bound } from '../../src/expressions/bound.js';
import { DoubleType, IntegerType, NullType, StringType, BooleanType, type DataType } from '../../src/core/types.js';

const ctx = { timeZone: 'UTC', nowMicros: 0 };
const lit = (value: unknown, type: DataType): Bound => ({ kind: 'lit', value, type, nullable: value === null });
const run = (name: string, ...args: Bound[]) => evalConstant(callScalar(name, args, ctx));

test('integer arithmetic wraps on overflow and divides to double', () => {
  assert.equal(run('add', lit(2147483647, IntegerType), lit(1, IntegerType)), -2147483648);
  assert.equal(run('divide', lit(7, IntegerType), lit(2, IntegerType)), 3.5);
  assert.equal(run('divide', lit(7, IntegerType), lit(0, IntegerType)), null);
  assert.equal(run('mod', lit(7, IntegerType), lit(0, IntegerType)), null);
  assert.equal(callScalar('divide', [lit(1, IntegerType), lit(2, IntegerType)], ctx).type, DoubleType);
});

test('strings in arithmetic are read as doubles; bad ones give null', () => {
  assert.equal(run('add', lit('1.5', StringType), lit(1, IntegerType)), 2.5);
  assert.equal(run('add', lit('x', StringType), lit(1, IntegerType)), null);
});

test('three-valued logic', () => {
  const T = lit(true, BooleanType), F = lit(false, BooleanType), N = lit(null, BooleanType);
  assert.equal(run('and', N, F), false);
  assert.equal(run('and', N, T), null);
  assert.equal(run('or', N, T), true);
  assert.equal(run('or', N, F), null);
  assert.equal(run('not', N), null);
});

test('comparisons: NaN equals NaN and is largest; null-safe equality', () => {
  assert.equal(run('eq', lit(NaN, DoubleType), lit(NaN, DoubleType)), true);
  assert.equal(run('gt', lit(NaN, DoubleType), lit(1e308, DoubleType)), true);
  assert.equal(run('eq', lit(null, NullType), lit(1, IntegerType)), null);
  assert.equal(run('eqNullSafe', lit(null, IntegerType), lit(null, IntegerType)), true);
  assert.equal(run('lt', lit('a', StringType), lit('b', StringType)), true);
});
