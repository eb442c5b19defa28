import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntegerType, LongType, StringType } from '../../../src/core/types.js';
import { vectorFromValues, type Vector } from '../../../src/core/vector.js';
import { HyperLogLogAccumulator, hllEstimate, hllPrecision } from '../../../src/expressions/aggregate/hyperloglog.js';

const longs = (from: number, n: number): Vector => {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = from + i;
  return { type: LongType, length: n, values, validity: null };
};

function estimate(acc: HyperLogLogAccumulator): number {
  return (acc.evaluate(1).values as Float64Array)[0]!;
}

test("precision from rsd follows Spark's formula", () => {
  assert.equal(hllPrecision(0.05), 9);
  assert.equal(hllPrecision(0.1), 7);
  assert.equal(hllPrecision(0.01), 14);
  assert.equal(hllPrecision(0.39), 4);
  assert.throws(() => hllPrecision(0.4), /at most 0.39/);
  assert.throws(() => hllPrecision(0), /positive/);
});

test('empty registers estimate 0', () => {
  assert.equal(hllEstimate(new Uint8Array(512), 0, 9), 0);
});

test('exact for small cardinalities (linear counting), across types', () => {
  for (const n of [1, 2, 5, 10]) {
    const acc = new HyperLogLogAccumulator(LongType, 9);
    acc.update(new Int32Array(n), n, [longs(1000, n)], 1);
    assert.equal(estimate(acc), n, `n=${n}`);
  }
  const s = new HyperLogLogAccumulator(StringType, 9);
  const words = Array.from({ length: 30 }, (_, i) => `w${i % 20}`);
  s.update(new Int32Array(30), 30, [vectorFromValues(StringType, words)], 1);
  assert.equal(estimate(s), 20);
});

test('within error bounds on 1e5 distinct values, default and tighter rsd', () => {
  const n = 100_000;
  for (const [p, bound] of [[9, 0.1], [14, 0.03]] as const) {
    const acc = new HyperLogLogAccumulator(LongType, p);
    // Each value twice: duplicates must not count.
    acc.update(new Int32Array(n), n, [longs(0, n)], 1);
    acc.update(new Int32Array(n), n, [longs(0, n)], 1);
    const e = estimate(acc);
    assert.ok(Math.abs(e - n) / n < bound, `p=${p}: estimate ${e} for ${n}`);
  }
});

test('bias-corrected range (2.5m..5m) and beyond stay within bounds', () => {
  for (const n of [1000, 1500, 2500, 5000, 20000]) {
    const acc = new HyperLogLogAccumulator(IntegerType, 9);
    const v = vectorFromValues(IntegerType, Array.from({ length: n }, (_, i) => i * 31 + 7));
    acc.update(new Int32Array(n), n, [v], 1);
    const e = estimate(acc);
    assert.ok(Math.abs(e - n) / n < 0.15, `n=${n}: estimate ${e}`);
  }
});

test('merge is the exact union: same estimate as one pass; state round-trips', () => {
  const n = 30_000;
  const one = new HyperLogLogAccumulator(LongType, 9);
  one.update(new Int32Array(n), n, [longs(0, n)], 1);
  const a = new HyperLogLogAccumulator(LongType, 9);
  const b = new HyperLogLogAccumulator(LongType, 9);
  a.update(new Int32Array(n / 2), n / 2, [longs(0, n / 2)], 1);
  b.update(new Int32Array(n / 2), n / 2, [longs(n / 2, n / 2)], 1);
  a.merge(b, Int32Array.of(0), 1, 1);
  assert.equal(estimate(a), estimate(one));
  const c = new HyperLogLogAccumulator(LongType, 9);
  c.importState(one.exportState(1), Int32Array.of(0), 1);
  assert.equal(estimate(c), estimate(one));
  const wrong = new HyperLogLogAccumulator(LongType, 10);
  assert.throws(() => wrong.importState(one.exportState(1), Int32Array.of(0), 1), /rsd/);
});

test('groups keep separate registers: each equals its own single-group sketch', () => {
  const acc = new HyperLogLogAccumulator(LongType, 9);
  const ids = Int32Array.from({ length: 300 }, (_, i) => (i < 100 ? 0 : 1));
  acc.update(ids, 300, [longs(0, 300)], 3);
  const alone = (from: number, n: number): number => {
    const a = new HyperLogLogAccumulator(LongType, 9);
    a.update(new Int32Array(n), n, [longs(from, n)], 1);
    return estimate(a);
  };
  assert.deepEqual([...(acc.evaluate(3).values as Float64Array)], [alone(0, 100), alone(100, 200), 0]);
});
