import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callScalar } from '../../../src/expressions/functions/bind.js';
import { IntegerType, StringType } from '../../../src/core/types.js';
import { UTC, dbl, int, lit, nul, run, str, typeOf } from './support.js';

test('coalesce returns the first non-null, widening the type', () => {
  assert.equal(run('coalesce', nul(), int(1), int(2)), 1);
  assert.equal(run('coalesce', lit(null, IntegerType), lit(null, IntegerType)), null);
  assert.equal(run('coalesce', lit(null, IntegerType), dbl(2.5)), 2.5);
  assert.deepEqual(typeOf('coalesce', int(1), dbl(2)), { kind: 'double' });
  assert.equal(callScalar('coalesce', [lit(null, IntegerType), int(1)], UTC).nullable, false);
  assert.equal(callScalar('coalesce', [lit(null, IntegerType), lit(null, IntegerType)], UTC).nullable, true);
  assert.equal(run('coalesce', lit(null, StringType), int(7)), '7');
});

test('nvl, ifnull, nvl2, nullif', () => {
  assert.equal(run('nvl', nul(), str('a')), 'a');
  assert.equal(run('ifnull', str('x'), str('a')), 'x');
  assert.equal(run('nvl2', nul(), int(2), int(1)), 1);
  assert.equal(run('nvl2', str('x'), int(2), int(1)), 2);
  assert.equal(run('nullif', int(2), int(2)), null);
  assert.equal(run('nullif', int(2), int(3)), 2);
  assert.equal(run('nullif', nul(), int(3)), null);
  assert.equal(run('nullif', dbl(NaN), dbl(NaN)), null);
});

test('IN has SQL three-valued semantics', () => {
  assert.equal(run('in', int(1), int(1), int(2)), true);
  assert.equal(run('in', int(3), int(1), int(2)), false);
  assert.equal(run('in', int(3), int(1), nul()), null);
  assert.equal(run('in', int(1), int(1), nul()), true);
  assert.equal(run('in', lit(null, IntegerType), int(1)), null);
  assert.equal(run('in', str('a'), str('b'), str('a')), true);
  assert.equal(run('in', int(1), dbl(1.0)), true);
  assert.equal(run('in', int(2), int(1)), false);
});
