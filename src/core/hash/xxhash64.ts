import type { DataType } from '../types.js';

/**
 * XXH64 over 64-bit values held as two unsigned 32-bit halves, so hashing
 * allocates nothing (no BigInt per row). The functions mirror the ones Spark's
 * XxHash64Function uses (hashInt, hashLong, hashUnsafeBytes and the type-
 * directed fold over arrays and structs), so `approx_count_distinct` sees the
 * same hashes as Spark. Every function returns the low half and leaves the
 * high half in `hashHi` (read it right after the call).
 */

// The XXH64 primes, split into (hi, lo).
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

/** High 32 bits (unsigned) of the last result. */
export let hashHi = 0;

// Scratch result of the 64-bit helpers: rl is returned, rh set here.
let rh = 0;

function mul(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiOfLow = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rh = (hiOfLow + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
}

function add(ah: number, al: number, bh: number, bl: number): number {
  const lo = al + bl;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  return lo >>> 0;
}

function rotl(h: number, l: number, r: number): number {
  if (r >= 32) { const t = h; h = l; l = t; r -= 32; }
  if (r === 0) { rh = h; return l; }
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  return ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** Spark's XXH64.hashInt: a 4-byte value. */
export function hashInt(v: number, seedHi: number, seedLo: number): number {
  let l = add(seedHi, seedLo, P5H, P5L); let h = rh;
  l = add(h, l, 0, 4); h = rh;
  const kl = mul(0, v >>> 0, P1H, P1L); const kh = rh;
  h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
  l = rotl(h, l, 23); h = rh;
  l = mul(h, l, P2H, P2L); h = rh;
  l = add(h, l, P3H, P3L); h = rh;
  return avalanche(h, l);
}

/** Spark's XXH64.hashLong: an 8-byte value given as (hi, lo). */
export function hashLong(vh: number, vl: number, seedHi: number, seedLo: number): number {
  let l = add(seedHi, seedLo, P5H, P5L); let h = rh;
  l = add(h, l, 0, 8); h = rh;
  let kl = mul(vh, vl, P2H, P2L); let kh = rh;
  kl = rotl(kh, kl, 31); kh = rh;
  kl = mul(kh, kl, P1H, P1L); kh = rh;
  h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
  l = rotl(h, l, 27); h = rh;
  l = mul(h, l, P1H, P1L); h = rh;
  l = add(h, l, P4H, P4L); h = rh;
  return avalanche(h, l);
}

/** The XXH64 avalanche (fmix) step; sets hashHi. */
function avalanche(h: number, l: number): number {
  // h ^= h >>> 33
  l = (l ^ (h >>> 1)) >>> 0;
  l = mul(h, l, P2H, P2L); h = rh;
  // h ^= h >>> 29
  l = (l ^ ((h << 3) | (l >>> 29))) >>> 0;
  h = (h ^ (h >>> 29)) >>> 0;
  l = mul(h, l, P3H, P3L); h = rh;
  // h ^= h >>> 32
  l = (l ^ h) >>> 0;
  hashHi = h;
  return l;
}

function round(ah: number, al: number, ih: number, il: number): number {
  let l = mul(ih, il, P2H, P2L); let h = rh;
  l = add(ah, al, h, l); h = rh;
  l = rotl(h, l, 31); h = rh;
  return mul(h, l, P1H, P1L);
}

function read32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** XXH64 of a byte string (Spark's hashUnsafeBytes), as for strings (UTF-8) and binary. */
export function hashBytes(b: Uint8Array, seedHi: number, seedLo: number, n = b.length): number {
  let i = 0;
  let h: number, l: number;
  if (n >= 32) {
    let v1l = add(seedHi, seedLo, P1H, P1L); let v1h = rh;
    v1l = add(v1h, v1l, P2H, P2L); v1h = rh;
    let v2l = add(seedHi, seedLo, P2H, P2L); let v2h = rh;
    let v3h = seedHi, v3l = seedLo;
    // seed - P1 = seed + (2^64 - P1)
    let v4l = add(seedHi, seedLo, (~P1H) >>> 0, (~P1L) >>> 0); let v4h = rh;
    v4l = add(v4h, v4l, 0, 1); v4h = rh;
    for (; i + 32 <= n; i += 32) {
      v1l = round(v1h, v1l, read32(b, i + 4), read32(b, i)); v1h = rh;
      v2l = round(v2h, v2l, read32(b, i + 12), read32(b, i + 8)); v2h = rh;
      v3l = round(v3h, v3l, read32(b, i + 20), read32(b, i + 16)); v3h = rh;
      v4l = round(v4h, v4l, read32(b, i + 28), read32(b, i + 24)); v4h = rh;
    }
    l = rotl(v1h, v1l, 1); h = rh;
    let tl = rotl(v2h, v2l, 7); let th = rh;
    l = add(h, l, th, tl); h = rh;
    tl = rotl(v3h, v3l, 12); th = rh;
    l = add(h, l, th, tl); h = rh;
    tl = rotl(v4h, v4l, 18); th = rh;
    l = add(h, l, th, tl); h = rh;
    for (const [vh, vl] of [[v1h, v1l], [v2h, v2l], [v3h, v3l], [v4h, v4l]] as const) {
      const kl = round(0, 0, vh, vl); const kh = rh;
      h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
      l = mul(h, l, P1H, P1L); h = rh;
      l = add(h, l, P4H, P4L); h = rh;
    }
  } else {
    l = add(seedHi, seedLo, P5H, P5L); h = rh;
  }
  l = add(h, l, 0, n); h = rh;
  for (; i + 8 <= n; i += 8) {
    const kl = round(0, 0, read32(b, i + 4), read32(b, i)); const kh = rh;
    h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
    l = rotl(h, l, 27); h = rh;
    l = mul(h, l, P1H, P1L); h = rh;
    l = add(h, l, P4H, P4L); h = rh;
  }
  if (i + 4 <= n) {
    const kl = mul(0, read32(b, i), P1H, P1L); const kh = rh;
    h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
    l = rotl(h, l, 23); h = rh;
    l = mul(h, l, P2H, P2L); h = rh;
    l = add(h, l, P3H, P3L); h = rh;
    i += 4;
  }
  for (; i < n; i++) {
    const kl = mul(0, b[i]!, P5H, P5L); const kh = rh;
    h = (h ^ kh) >>> 0; l = (l ^ kl) >>> 0;
    l = rotl(h, l, 11); h = rh;
    l = mul(h, l, P1H, P1L); h = rh;
  }
  return avalanche(h, l);
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const F32 = new Float32Array(1);
const U32F = new Uint32Array(F32.buffer);
const ENCODER = new TextEncoder();
const TWO_32 = 4294967296;

let utf8 = new Uint8Array(256);

/** XXH64 of a string's UTF-8 bytes, encoded into a reused buffer (no allocation per value). */
export function hashString(s: string, seedHi: number, seedLo: number): number {
  if (utf8.length < s.length * 3) utf8 = new Uint8Array(s.length * 3);
  const { written } = ENCODER.encodeInto(s, utf8);
  return hashBytes(utf8, seedHi, seedLo, written);
}

/**
 * Spark's XxHash64Function.hash(value, type, seed) for one non-null internal
 * value, with floats normalized first (-0.0 → 0.0, one NaN) as Spark's HLL++
 * does. Nested values fold: each element is hashed with the running hash as
 * seed, nulls leave it unchanged. Returns the low half; high half in `hashHi`.
 */
export function xxhash64Value(t: DataType, v: unknown, seedHi: number, seedLo: number): number {
  switch (t.kind) {
    case 'boolean': return hashInt(v ? 1 : 0, seedHi, seedLo);
    case 'int': case 'date': return hashInt(v as number, seedHi, seedLo);
    case 'long': case 'timestamp': {
      const x = v as number;
      const hi = Math.floor(x / TWO_32);
      return hashLong(hi >>> 0, (x - hi * TWO_32) >>> 0, seedHi, seedLo);
    }
    case 'decimal': {
      // Precision <= 18 hashes the unscaled long, as Spark does; wider decimals are approximated the same way.
      const unscaled = Math.round((v as number) * 10 ** t.scale);
      const hi = Math.floor(unscaled / TWO_32);
      return hashLong(hi >>> 0, (unscaled - hi * TWO_32) >>> 0, seedHi, seedLo);
    }
    case 'float': {
      const x = v as number;
      if (x !== x) return hashInt(0x7fc00000, seedHi, seedLo);
      F32[0] = x === 0 ? 0 : x;
      return hashInt(U32F[0]!, seedHi, seedLo);
    }
    case 'double': {
      const x = v as number;
      if (x !== x) return hashLong(0x7ff80000, 0, seedHi, seedLo);
      F64[0] = x === 0 ? 0 : x;
      return hashLong(U32[1]!, U32[0]!, seedHi, seedLo);
    }
    case 'string': return hashString(v as string, seedHi, seedLo);
    case 'binary': return hashBytes(v as Uint8Array, seedHi, seedLo);
    case 'array': {
      let h = seedHi, l = seedLo;
      for (const e of v as unknown[]) if (e !== null && e !== undefined) { l = xxhash64Value(t.elementType, e, h, l); h = hashHi; }
      hashHi = h;
      return l;
    }
    case 'struct': {
      let h = seedHi, l = seedLo;
      const s = v as unknown[];
      for (let i = 0; i < t.fields.length; i++) {
        const e = s[i];
        if (e !== null && e !== undefined) { l = xxhash64Value(t.fields[i]!.dataType, e, h, l); h = hashHi; }
      }
      hashHi = h;
      return l;
    }
    case 'map': {
      let h = seedHi, l = seedLo;
      for (const [k, x] of v as Map<unknown, unknown>) {
        l = xxhash64Value(t.keyType, k, h, l); h = hashHi;
        if (x !== null && x !== undefined) { l = xxhash64Value(t.valueType, x, h, l); h = hashHi; }
      }
      hashHi = h;
      return l;
    }
    case 'null': hashHi = seedHi; return seedLo;
  }
}
