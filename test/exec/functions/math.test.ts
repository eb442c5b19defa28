import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecimalType, DoubleType, IntegerType, LongType } from '../../../src/core/types.js';
import { dbl, errorCode, int, lit, long, nul, run, str, typeOf } from './support.js';

test('abs keeps the type; int abs wraps like Java', () => {
  assert.equal(run('abs', int(-1)), 1);
  assert.equal(run('abs', int(-2147483648)), -2147483648);
  assert.equal(run('abs', dbl(-1.5)), 1.5);
  assert.deepEqual(typeOf('abs', long(-1)), LongType);
  assert.equal(run('abs', nul()), null);
  assert.equal(errorCode(() => run('abs', lit(true, { kind: 'boolean' }))), 'DATATYPE_MISMATCH');
});

test('round is HALF_UP on the decimal form of the double, bround HALF_EVEN', () => {
  assert.equal(run('round', dbl(2.5)), 3);
  assert.equal(run('round', dbl(-2.5)), -3);
  assert.equal(run('round', dbl(2.675), int(2)), 2.68);
  assert.equal(run('round', dbl(1.005), int(2)), 1.01);
  assert.equal(run('round', dbl(0.0001), int(2)), 0);
  assert.equal(run('round', dbl(1234.5678), int(-2)), 1200);
  assert.equal(run('bround', dbl(2.5)), 2);
  assert.equal(run('bround', dbl(3.5)), 4);
  assert.equal(run('bround', dbl(-2.5)), -2);
  assert.equal(run('bround', dbl(0.125), int(2)), 0.12);
  assert.ok(Number.isNaN(run('round', dbl(NaN), int(2)) as number));
  assert.equal(run('round', dbl(Infinity)), Infinity);
  assert.equal(run('round', nul()), null);
});

test('round on integers keeps the type and rounds negative scales', () => {
  assert.equal(run('round', int(125), int(-1)), 130);
  assert.equal(run('round', int(-125), int(-1)), -130);
  assert.equal(run('bround', int(125), int(-1)), 120);
  assert.equal(run('round', int(7), int(2)), 7);
  assert.deepEqual(typeOf('round', int(7)), IntegerType);
  assert.deepEqual(typeOf('round', long(7)), LongType);
  assert.deepEqual(typeOf('round', lit(1.25, DecimalType(5, 2)), int(1)), DecimalType(5, 1));
  assert.equal(run('round', lit(1.25, DecimalType(5, 2)), int(1)), 1.3);
  assert.equal(run('round', str('2.5')), 3);
});

test('floor and ceil return bigint for doubles', () => {
  assert.equal(run('floor', dbl(-0.1)), -1);
  assert.equal(run('ceil', dbl(-0.1)), 0);
  assert.equal(run('ceil', dbl(5)), 5);
  assert.equal(run('floor', int(5)), 5);
  assert.equal(run('floor', dbl(NaN)), 0);
  assert.deepEqual(typeOf('floor', dbl(1.5)), LongType);
  assert.deepEqual(typeOf('ceil', int(1)), LongType);
  assert.deepEqual(typeOf('ceil', lit(1.25, DecimalType(5, 2))), DecimalType(4, 0));
  assert.equal(run('ceiling', dbl(1.2)), 2);
  assert.equal(run('floor', dbl(3.14159), int(2)), 3.14);
  assert.equal(run('ceil', dbl(3.14159), int(2)), 3.15);
  assert.equal(run('floor', dbl(-3.14159), int(2)), -3.15);
});

test('sqrt, pow, exp and logarithms (null for non-positive input)', () => {
  assert.equal(run('sqrt', int(4)), 2);
  assert.ok(Number.isNaN(run('sqrt', dbl(-1)) as number));
  assert.equal(run('pow', int(2), int(10)), 1024);
  assert.equal(run('power', dbl(4), dbl(0.5)), 2);
  assert.equal(run('exp', int(0)), 1);
  assert.equal(run('log', dbl(Math.E)), 1);
  assert.equal(run('log', int(2), int(8)), 3);
  assert.equal(run('log', int(10), int(100)), 2);
  assert.equal(run('log', int(0)), null);
  assert.equal(run('log', int(-1), int(8)), null);
  assert.equal(run('ln', int(1)), 0);
  assert.equal(run('log10', int(100)), 2);
  assert.equal(run('log2', int(8)), 3);
  assert.equal(run('log10', int(0)), null);
  assert.equal(run('log1p', int(-1)), null);
  assert.deepEqual(typeOf('sqrt', int(4)), DoubleType);
  assert.equal(run('sqrt', str('16')), 4);
});

test('signum, trigonometry, degrees', () => {
  assert.equal(run('signum', int(-5)), -1);
  assert.equal(run('signum', dbl(0)), 0);
  assert.equal(run('signum', dbl(3.2)), 1);
  assert.equal(run('cos', int(0)), 1);
  assert.equal(run('degrees', dbl(Math.PI)), 180);
  assert.equal(run('atan2', int(0), int(1)), 0);
});

test('greatest / least skip nulls; NaN is the largest', () => {
  assert.equal(run('greatest', int(10), int(9), int(2), int(4), int(3)), 10);
  assert.equal(run('least', int(10), int(9), int(2), int(4), int(3)), 2);
  assert.equal(run('greatest', int(1), nul(), int(3)), 3);
  assert.equal(run('greatest', lit(null, IntegerType), lit(null, IntegerType)), null);
  assert.equal(run('greatest', int(1), dbl(2.5)), 2.5);
  assert.ok(Number.isNaN(run('greatest', dbl(NaN), dbl(1)) as number));
  assert.equal(run('least', dbl(NaN), dbl(1)), 1);
  assert.equal(run('greatest', str('a'), str('b')), 'b');
  assert.equal(errorCode(() => run('greatest', int(1), lit([1], { kind: 'array', elementType: IntegerType, containsNull: false }))), 'DATATYPE_MISMATCH');
});

test('isnan and nanvl', () => {
  assert.equal(run('isnan', dbl(NaN)), true);
  assert.equal(run('isnan', dbl(1)), false);
  assert.equal(run('isnan', nul()), false);
  assert.equal(run('nanvl', dbl(NaN), dbl(1)), 1);
  assert.equal(run('nanvl', dbl(2), dbl(1)), 2);
  assert.equal(run('nanvl', nul(), dbl(1)), null);
});
