import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyIndex } from '../../../src/core/hash/key-index.js';
import { BooleanType, DoubleType, IntegerType, LongType, type DataType } from '../../../src/core/types.js';
import { vectorFromValues, vectorToArray } from '../../../src/core/vector.js';

/** Reference numbering: first-seen order with Spark's grouping equality (null = null, NaN = NaN, -0.0 = 0.0). */
function referenceIds(batches: readonly (number | null)[][]): number[][] {
  const seen = new Map<string, number>();
  return batches.map((b) => b.map((x) => {
    const key = x === null ? 'null' : Number.isNaN(x) ? 'NaN' : String(x === 0 ? 0 : x);
    let id = seen.get(key);
    if (id === undefined) { id = seen.size; seen.set(key, id); }
    return id;
  }));
}

function mapAll(t: DataType, batches: readonly (number | null)[][]): { ids: number[][]; keys: unknown[] } {
  const k = new KeyIndex([t]);
  const ids = batches.map((b) => {
    const out = new Int32Array(b.length);
    k.map([vectorFromValues(t, b)], b.length, out);
    return [...out];
  });
  return { ids, keys: vectorToArray(k.keyVectors()[0]!) };
}

test('small int keys (the direct-address path) number groups in first-seen order across batches', () => {
  const batches = [[7, 3, 7, null, 3], [-2, 7, null, 1000, -2], [3, 64, 65, -70]];
  const { ids, keys } = mapAll(IntegerType, batches);
  assert.deepEqual(ids, referenceIds(batches));
  assert.deepEqual(keys, [7, 3, null, -2, 1000, 64, 65, -70]);
});

test('keys spreading too wide fall back to hashing and keep their ids', () => {
  const batches = [[1, 2, 1], [2_000_000_000, 1, -2_000_000_000, 2], [2, 2_000_000_000, 3]];
  const { ids, keys } = mapAll(IntegerType, batches);
  assert.deepEqual(ids, referenceIds(batches));
  assert.deepEqual(keys, [1, 2, 2_000_000_000, -2_000_000_000, 3]);
});

test('double keys mixing integers, fractions, NaN, -0.0 and infinities', () => {
  const batches = [[1, 1.5, NaN, -0, 0, Infinity, 1], [-Infinity, 1.5, NaN, 2, null, 0, Infinity]];
  const { ids, keys } = mapAll(DoubleType, batches);
  assert.deepEqual(ids, referenceIds(batches));
  assert.equal(keys.length, 8);
  assert.ok(Object.is(keys[3], 0), '-0.0 is stored as 0.0');
});

test('long keys beyond 32 bits and boolean keys', () => {
  const longs = [[2 ** 40, 5, 2 ** 40 + 1, 5], [2 ** 40, -(2 ** 40)]];
  assert.deepEqual(mapAll(LongType, longs).ids, referenceIds(longs));
  const bools = [[1, 0, null, 1], [0, 0, 1]];
  const k = new KeyIndex([BooleanType]);
  const got = bools.map((b) => {
    const out = new Int32Array(b.length);
    k.map([vectorFromValues(BooleanType, b.map((x) => (x === null ? null : x === 1)))], b.length, out);
    return [...out];
  });
  assert.deepEqual(got, referenceIds(bools));
});

test('random int batches: same ids as the reference, and lookup agrees after map', () => {
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -40, max: 40 }) },
    { weight: 2, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  fc.assert(fc.property(fc.array(fc.array(value, { maxLength: 60 }), { maxLength: 5 }), (batches) => {
    const k = new KeyIndex([IntegerType]);
    const ref = referenceIds(batches);
    batches.forEach((b, i) => {
      const out = new Int32Array(b.length);
      k.map([vectorFromValues(IntegerType, b)], b.length, out);
      assert.deepEqual([...out], ref[i]);
    });
    for (const b of batches) {
      const out = new Int32Array(b.length);
      const again = new Int32Array(b.length);
      k.map([vectorFromValues(IntegerType, b)], b.length, out);
      k.lookup([vectorFromValues(IntegerType, b)], b.length, again);
      assert.deepEqual([...again], [...out]);
    }
  }), { numRuns: 200 });
});
