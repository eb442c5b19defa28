import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntegerType, StringType } from '../../src/core/types.js';
import { lazyConstantVector, takeVector, vectorToArray } from '../../src/core/vector.js';

test('taking rows of a lazy constant vector gives a constant of the new length; a missing row (-1) is null', () => {
  const c = lazyConstantVector(IntegerType, 7, 5);
  const t = takeVector(c, Int32Array.from([4, 0, 0]));
  assert.equal(t.length, 3);
  assert.equal(t.validity, null);
  assert.deepEqual(vectorToArray(t), [7, 7, 7]);
  const outer = takeVector(lazyConstantVector(StringType, 'x', 2), Int32Array.from([1, -1]));
  assert.deepEqual(vectorToArray(outer), ['x', null]);
});
