import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LongType } from '../../../src/core/types.js';
import { arr, errorCode, int, long, nul, run, str, typeOf } from './support.js';

test('array_union / array_intersect / array_except keep first occurrences without duplicates', () => {
  assert.deepEqual(run('array_union', arr([1, 2, 3]), arr([1, 3, 5])), [1, 2, 3, 5]);
  assert.deepEqual(run('array_union', arr([1, 1, null]), arr([null, 2])), [1, null, 2]);
  assert.deepEqual(run('array_intersect', arr([1, 2, 3, 2]), arr([1, 3, 5])), [1, 3]);
  assert.deepEqual(run('array_except', arr([1, 2, 3, 2]), arr([1, 3, 5])), [2]);
  assert.deepEqual(run('array_union', arr([1]), arr([2.5], { kind: 'double' })), [1, 2.5]);
  assert.equal(errorCode(() => run('array_union', arr([1]), int(1))), 'DATATYPE_MISMATCH');
});

test('arrays_overlap has SQL null semantics', () => {
  assert.equal(run('arrays_overlap', arr([1, 2, 3]), arr([3, 4, 5])), true);
  assert.equal(run('arrays_overlap', arr([1, 2]), arr([3])), false);
  assert.equal(run('arrays_overlap', arr([1, null]), arr([3])), null);
  assert.equal(run('arrays_overlap', arr([null]), arr([])), false);
});

test('array_remove, array_repeat, sequence', () => {
  assert.deepEqual(run('array_remove', arr([1, 2, 3, null, 3]), int(3)), [1, 2, null]);
  assert.equal(run('array_remove', arr([1]), nul()), null);
  assert.deepEqual(run('array_repeat', str('ab'), int(3)), ['ab', 'ab', 'ab']);
  assert.deepEqual(run('array_repeat', nul(), int(2)), [null, null]);
  assert.deepEqual(run('array_repeat', str('ab'), int(-1)), []);
  assert.deepEqual(run('sequence', int(1), int(5)), [1, 2, 3, 4, 5]);
  assert.deepEqual(run('sequence', int(5), int(1)), [5, 4, 3, 2, 1]);
  assert.deepEqual(run('sequence', int(1), int(10), int(3)), [1, 4, 7, 10]);
  assert.deepEqual(typeOf('sequence', long(1), int(2)), { kind: 'array', elementType: LongType, containsNull: false });
  assert.equal(errorCode(() => run('sequence', int(1), int(5), int(-1))), 'INVALID_PARAMETER_VALUE');
});
