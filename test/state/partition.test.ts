import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArrayType, BooleanType, DoubleType, FloatType, IntegerType, LongType, StringType, type DataType } from '../../src/core/types.js';
import { vectorFromValues } from '../../src/core/vector.js';
import { hashValue } from '../../src/core/murmur3.js';
import { hashKeys, partitionOf } from '../../src/state/index.js';

function hashesOf(cols: [DataType, unknown[]][]): number[] {
  const n = cols[0]![1].length;
  const out = new Int32Array(n);
  hashKeys(cols.map(([t, v]) => vectorFromValues(t, v)), n, out);
  return [...out];
}

function partitionsOf(cols: [DataType, unknown[]][], numPartitions: number): number[] {
  const n = cols[0]![1].length;
  const out = new Int32Array(n);
  partitionOf(cols.map(([t, v]) => vectorFromValues(t, v)), n, numPartitions, out);
  return [...out];
}

test('key hashes are Spark\'s hash() (Murmur3, seed 42)', () => {
  // From Spark's docs: SELECT hash('Spark', array(123), 2) = -1321691492; hash(1) = -559580957.
  assert.deepEqual(hashesOf([[StringType, ['Spark']], [ArrayType(IntegerType), [[123]]], [IntegerType, [2]]]), [-1321691492]);
  assert.deepEqual(hashesOf([[IntegerType, [1, null]]]), [-559580957, 42]);
  // pmod, as Spark's HashPartitioning: never negative.
  assert.deepEqual(partitionsOf([[IntegerType, [1]]], 200), [((-559580957 % 200) + 200) % 200]);
});

test('hashes agree with the batch engine\'s hash() for every flat type', () => {
  const types: [DataType, fc.Arbitrary<unknown>][] = [
    [IntegerType, fc.integer()],
    [LongType, fc.maxSafeInteger()],
    [DoubleType, fc.double()],
    [FloatType, fc.float().map(Math.fround)],
    [BooleanType, fc.boolean()],
    [StringType, fc.string({ unit: 'binary' })],
  ];
  for (const [t, arb] of types) {
    fc.assert(fc.property(fc.array(fc.option(arb), { maxLength: 20 }), (vals) => {
      const got = vals.length === 0 ? [] : hashesOf([[t, vals]]);
      assert.deepEqual(got, vals.map((v) => hashValue(t, v, 42)), t.kind);
    }));
  }
});

test('equal keys land together: -0.0 with 0.0, every NaN with NaN', () => {
  const p = partitionsOf([[DoubleType, [0, -0, NaN, -NaN, 0 / 0]]], 7);
  assert.equal(p[0], p[1]);
  assert.equal(p[2], p[3]);
  assert.equal(p[2], p[4]);
});

test('partitions are stable: fixed values that must never change (they are in checkpoints)', () => {
  // pmod(hash(s), 200) as Spark computes it for these strings.
  assert.deepEqual(partitionsOf([[StringType, ['a', 'b', 'hello', 'spark', 'streaming']]], 200), [170, 161, 48, 105, 63]);
});

test('partitions are balanced', () => {
  const n = 100_000;
  const words = Array.from({ length: n }, (_, i) => `word${i}`);
  const counts = new Array<number>(8).fill(0);
  for (const p of partitionsOf([[StringType, words]], 8)) counts[p]!++;
  for (const c of counts) assert.ok(Math.abs(c - n / 8) < n / 8 * 0.05, `partition sizes ${counts.join(', ')}`);
  const ints = new Array<number>(16).fill(0);
  for (const p of partitionsOf([[LongType, Array.from({ length: n }, (_, i) => i * 1000)]], 16)) ints[p]!++;
  for (const c of ints) assert.ok(Math.abs(c - n / 16) < n / 16 * 0.06, `partition sizes ${ints.join(', ')}`);
});
