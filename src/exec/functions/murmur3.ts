import type { DataType } from '../../core/types.js';

/**
 * Spark's Murmur3_x86_32 (the `hash` function and hash partitioning), bit
 * for bit: ints and longs hash as one or two 4-byte words, byte strings hash
 * their 4-byte blocks and then — unlike textbook Murmur3 — each trailing byte
 * as a whole sign-extended word, the quirk Spark keeps for compatibility.
 * Values are internal values (see core/row.ts).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, len: number): number {
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function hashInt(v: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(v | 0)), 4);
}

/** Hashes a long given as a JS number (exact within ±2^53): low word first, then high. */
export function hashLong(v: number, seed: number): number {
  const low = v | 0;
  const high = Math.floor(v / 4294967296) | 0;
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

function hashLongWords(low: number, high: number, seed: number): number {
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

export function hashBytes(b: Uint8Array, seed: number): number {
  const aligned = b.length - (b.length % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)));
  for (let i = aligned; i < b.length; i++) h = mixH1(h, mixK1((b[i]! << 24) >> 24));
  return fmix(h, b.length);
}

const F64 = new Float64Array(1);
const F64_WORDS = new Int32Array(F64.buffer);
const F32 = new Float32Array(1);
const F32_WORD = new Int32Array(F32.buffer);
const ENCODER = new TextEncoder();

/** The hash of one value of type `t` chained on `seed`, as Spark's HashExpression: a null leaves the seed unchanged. */
export function hashValue(t: DataType, v: unknown, seed: number): number {
  if (v === null || v === undefined) return seed;
  switch (t.kind) {
    case 'boolean': return hashInt(v ? 1 : 0, seed);
    case 'int': case 'date': return hashInt(v as number, seed);
    case 'long': case 'timestamp': return hashLong(v as number, seed);
    case 'float': {
      const f = v as number;
      if (f === 0) return hashInt(0, seed); // -0.0 and 0.0 hash alike
      if (f !== f) return hashInt(0x7fc00000, seed);
      F32[0] = f;
      return hashInt(F32_WORD[0]!, seed);
    }
    case 'double': {
      const d = v as number;
      if (d === 0) return hashLong(0, seed);
      if (d !== d) return hashLongWords(0, 0x7ff80000, seed);
      F64[0] = d;
      return hashLongWords(F64_WORDS[0]!, F64_WORDS[1]!, seed);
    }
    case 'decimal':
      // Decimals up to 18 digits hash their unscaled long; wider ones are approximated the same way (spate's decimals are doubles).
      return hashLong(Math.round((v as number) * 10 ** t.scale), seed);
    case 'string': return hashBytes(ENCODER.encode(v as string), seed);
    case 'binary': return hashBytes(v as Uint8Array, seed);
    case 'array': {
      let h = seed;
      for (const x of v as unknown[]) h = hashValue(t.elementType, x, h);
      return h;
    }
    case 'map': {
      let h = seed;
      for (const [k, x] of v as Map<unknown, unknown>) { h = hashValue(t.keyType, k, h); h = hashValue(t.valueType, x, h); }
      return h;
    }
    case 'struct': {
      let h = seed;
      const s = v as unknown[];
      for (let i = 0; i < t.fields.length; i++) h = hashValue(t.fields[i]!.dataType, s[i], h);
      return h;
    }
    case 'null': return seed;
  }
}
