import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyIndex, hashVectors } from '../../../src/core/hash/key-index.js';
import { distinctIndices } from '../../../src/core/hash/distinct.js';
import {
  ArrayType, DoubleType, FloatType, IntegerType, LongType, StringType, StructField, StructType, BinaryType, type DataType,
} from '../../../src/core/types.js';
import { vectorFromValues, vectorToArray, type Vector } from '../../../src/core/vector.js';

const vec = (t: DataType, vals: unknown[]): Vector => vectorFromValues(t, vals);
function ids(index: KeyIndex, keys: Vector[]): number[] {
  const out = new Int32Array(keys[0]!.length);
  index.map(keys, keys[0]!.length, out);
  return [...out];
}

test('ints: dense ids in first-seen order, null is one key', () => {
  const k = new KeyIndex([IntegerType]);
  assert.deepEqual(ids(k, [vec(IntegerType, [5, 3, 5, null, 3, null, 7])]), [0, 1, 0, 2, 1, 2, 3]);
  assert.equal(k.size, 4);
  assert.deepEqual(vectorToArray(k.keyVectors()[0]!), [5, 3, null, 7]);
  // A second batch continues the numbering.
  assert.deepEqual(ids(k, [vec(IntegerType, [7, 8, null])]), [3, 4, 2]);
});

test('doubles: NaN equals NaN, -0.0 equals 0.0 and comes out as 0.0', () => {
  const k = new KeyIndex([DoubleType]);
  assert.deepEqual(ids(k, [vec(DoubleType, [NaN, -0, 0, NaN, 1.5, null, 1.5])]), [0, 1, 1, 0, 2, 3, 2]);
  const keys = vectorToArray(k.keyVectors()[0]!);
  assert.ok(Number.isNaN(keys[0]));
  assert.ok(Object.is(keys[1], 0), 'normalized to +0.0');
  assert.deepEqual(keys.slice(2), [1.5, null]);
});

test('floats and longs beyond 32 bits', () => {
  const f = new KeyIndex([FloatType]);
  assert.deepEqual(ids(f, [vectorFromValues(FloatType, [Math.fround(0.1), NaN, Math.fround(0.1), -0])]), [0, 1, 0, 2]);
  const l = new KeyIndex([LongType]);
  assert.deepEqual(ids(l, [vec(LongType, [2 ** 40 + 1, 1, 2 ** 40 + 1, -(2 ** 40)])]), [0, 1, 0, 2]);
});

test('strings and multi-column keys compare column by column', () => {
  const k = new KeyIndex([StringType, IntegerType]);
  const a = vec(StringType, ['x', 'y', 'x', 'x', null, null, '']);
  const b = vec(IntegerType, [1, 1, 1, 2, 1, 1, 1]);
  assert.deepEqual(ids(k, [a, b]), [0, 1, 0, 2, 3, 3, 4]);
  const [ka, kb] = k.keyVectors();
  assert.deepEqual(vectorToArray(ka!), ['x', 'y', 'x', null, '']);
  assert.deepEqual(vectorToArray(kb!), [1, 1, 2, 1, 1]);
});

test('nested and binary keys group by value', () => {
  const st = StructType([StructField('a', IntegerType), StructField('b', DoubleType)]);
  const k = new KeyIndex([ArrayType(IntegerType), st, BinaryType]);
  const arr = vec(ArrayType(IntegerType), [[1, 2], [1, 2], [1, null], [1, 2]]);
  const s = vec(st, [[1, NaN], [1, NaN], [1, 0], [1, -0]]);
  const bin = vec(BinaryType, [Uint8Array.of(1), Uint8Array.of(1), Uint8Array.of(1), Uint8Array.of(1)]);
  assert.deepEqual(ids(k, [arr, s, bin]), [0, 0, 1, 2]);
});

test('grows past its initial capacity with 200k keys, and lookup finds them', () => {
  const n = 200_000;
  const k = new KeyIndex([LongType]);
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = (i * 7919) % n; // a permutation of 0..n-1
  const v: Vector = { type: LongType, length: n, values: vals, validity: null };
  const out = new Int32Array(n);
  assert.equal(k.map([v], n, out), n);
  for (let i = 0; i < n; i += 997) assert.equal(out[i], i);
  const probe: Vector = { type: LongType, length: 3, values: Float64Array.of(vals[12345]!, -1, vals[n - 1]!), validity: null };
  const found = new Int32Array(3);
  k.lookup([probe], 3, found);
  assert.deepEqual([...found], [12345, -1, n - 1]);
  assert.equal(k.size, n, 'lookup inserts nothing');
  assert.ok(k.memoryBytes() > n * 8);
});

test('string keys at scale', () => {
  const n = 100_000;
  const vals = Array.from({ length: n }, (_, i) => `key-${i % 50_000}`);
  const k = new KeyIndex([StringType]);
  const out = new Int32Array(n);
  assert.equal(k.map([vec(StringType, vals)], n, out), 50_000);
  assert.equal(out[50_000 + 17], 17);
  const found = new Int32Array(2);
  k.lookup([vec(StringType, ['key-49999', 'nope'])], 2, found);
  assert.deepEqual([...found], [49_999, -1]);
});

test('distinctIndices returns the first row of each distinct key', () => {
  assert.deepEqual([...distinctIndices([vec(IntegerType, [3, 1, 3, null, 1, null, 2])], 7)], [0, 1, 3, 6]);
  assert.deepEqual([...distinctIndices([vec(DoubleType, [-0, 0, NaN, NaN])], 4)], [0, 2]);
  assert.deepEqual([...distinctIndices([vec(IntegerType, [])], 0)], []);
  assert.deepEqual([...distinctIndices([], 5)], [0]);
});

test('hashVectors agrees for equal keys across batches', () => {
  const a = new Int32Array(4);
  const b = new Int32Array(4);
  hashVectors([vec(StringType, ['x', 'y', null, 'x']), vec(DoubleType, [0, -0, null, NaN])], 4, a);
  hashVectors([vec(StringType, ['x', 'y', null, 'x']), vec(DoubleType, [-0, 0, null, NaN])], 4, b);
  assert.deepEqual([...a], [...b]);
  assert.notEqual(a[0], a[1]);
});

test('several integral number keys pack per batch and agree with a reference map across batches, ranges and fallbacks', () => {
  let seed = 3;
  const rnd = (m: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 16) % m; }; // high bits: the low ones cycle fast
  const k = new KeyIndex([LongType, IntegerType, LongType]);
  const reference = new Map<string, number>();
  // Small ranges pack; a wide range, a fraction and -0.0 take the hashed paths; ids must be the same either way.
  const batches: [number, number, number][][] = [
    Array.from({ length: 5000 }, () => [1.7e8 + rnd(3), rnd(100), rnd(4)] as [number, number, number]),
    // Inside the kept layout (packed against it with no range pass), then one row past it at the end.
    Array.from({ length: 3000 }, () => [1.7e8 + rnd(3), rnd(100), rnd(4)] as [number, number, number]),
    Array.from({ length: 3000 }, (_, i) => [1.7e8 + (i === 2999 ? 5 : rnd(3)), rnd(100), rnd(4)] as [number, number, number]),
    Array.from({ length: 3000 }, () => [1.7e8 + 1 + rnd(3), rnd(100), rnd(4)] as [number, number, number]),
    // A NaN and a fraction after a kept layout: the bounds check sends the slice to the hashed path.
    [[1.7e8 + 1, 3, 2], [NaN, 3, 2], [1.7e8 + 1, 3, 2]],
    [[1.7e8 + 1, 4, 2], [1.7e8 + 1.5, 4, 2]],
    Array.from({ length: 500 }, () => [1.7e8 + rnd(3), rnd(100), rnd(4)] as [number, number, number]),
    Array.from({ length: 2000 }, () => [rnd(2) * 1e12, rnd(100), rnd(4)] as [number, number, number]),
    Array.from({ length: 1000 }, () => [1.7e8 + rnd(2) + (rnd(2) ? 0.5 : 0), rnd(10), rnd(4)] as [number, number, number]),
    [[1.7e8, 5, -0], [1.7e8, 5, 0]],
  ];
  for (const rows of batches) {
    const cols = [0, 1, 2].map((c) => vec(c === 1 ? IntegerType : LongType, rows.map((r) => r[c])));
    const got = ids(k, cols);
    rows.forEach((r, i) => {
      const key = `${r[0]}|${r[1]}|${r[2] === 0 ? 0 : r[2]}`;
      if (!reference.has(key)) reference.set(key, reference.size);
      assert.equal(got[i], reference.get(key), `row ${i} ${key}`);
    });
  }
  assert.equal(k.size, reference.size);
  // lookup() finds what map() inserted through the packed path.
  const probe = [vec(LongType, [1.7e8 + 2, 9e15]), vec(IntegerType, [7, 7]), vec(LongType, [1, 1])];
  const out = new Int32Array(2);
  k.lookup(probe, 2, out);
  assert.equal(out[0], reference.get(`${1.7e8 + 2}|7|1`) ?? -1);
  assert.equal(out[1], -1);
});
