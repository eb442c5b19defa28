import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashBytes, hashHi, hashLong, xxhash64Value } from '../../../src/core/hash/xxhash64.js';
import { ArrayType, DoubleType, IntegerType, LongType, StringType } from '../../../src/core/types.js';

const asLong = (lo: number): bigint => BigInt.asIntN(64, (BigInt(hashHi) << 32n) | BigInt(lo));

test('XXH64 reference values of the empty and a short input (seed 0)', () => {
  assert.equal(asLong(hashBytes(new Uint8Array(0), 0, 0)), BigInt.asIntN(64, 0xef46db3751d8e999n));
  assert.equal(asLong(hashBytes(new TextEncoder().encode('abc'), 0, 0)), BigInt.asIntN(64, 0x44bc2cf5ad770999n));
});

test("Spark's xxhash64('Spark', array(123), 2) = 5602566077635097486 (seed 42, folded)", () => {
  let l = xxhash64Value(StringType, 'Spark', 0, 42); let h = hashHi;
  l = xxhash64Value(ArrayType(IntegerType), [123], h, l); h = hashHi;
  l = xxhash64Value(IntegerType, 2, h, l);
  assert.equal(asLong(l), 5602566077635097486n);
});

test('long and double hashing agree with a BigInt reference of hashLong', () => {
  const M = (1n << 64n) - 1n;
  const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n, P4 = 0x85ebca77c2b2ae63n, P5 = 0x27d4eb2f165667c5n;
  const rot = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
  const ref = (v: bigint, seed: bigint): bigint => {
    let h = (seed + P5 + 8n) & M;
    h ^= (rot((v * P2) & M, 31n) * P1) & M;
    h = (rot(h, 27n) * P1 + P4) & M;
    h ^= h >> 33n; h = (h * P2) & M; h ^= h >> 29n; h = (h * P3) & M; h ^= h >> 32n;
    return BigInt.asIntN(64, h);
  };
  for (const v of [0, 1, -1, 123456789012, -(2 ** 53) + 1, 2 ** 53 - 1]) {
    assert.equal(asLong(xxhash64Value(LongType, v, 0, 42)), ref(BigInt(v) & M, 42n), `long ${v}`);
  }
  // Doubles hash their IEEE bits, with -0.0 as 0.0 and NaN canonical.
  assert.equal(asLong(xxhash64Value(DoubleType, -0, 0, 42)), ref(0n, 42n));
  assert.equal(asLong(xxhash64Value(DoubleType, NaN, 0, 42)), ref(0x7ff8000000000000n, 42n));
  assert.equal(asLong(xxhash64Value(DoubleType, 1, 0, 42)), ref(0x3ff0000000000000n, 42n));
  assert.equal(asLong(hashLong(0, 5, 0, 42)), ref(5n, 42n));
});
