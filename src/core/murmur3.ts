import type { DataType } from './types.js';

/**
 * Spark's Murmur3_x86_32 (the `hash` function and hash partitioning of
 * state keys), bit for bit: ints and longs hash as one or two 4-byte words,
 * byte strings hash their 4-byte blocks and then — unlike textbook Murmur3 —
 * each trailing byte as a whole sign-extended word, the quirk Spark keeps
 * for compatibility. Values are internal values (see core/row.ts).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const F64 = new Float64Array(1);
const F64_WORDS = new Int32Array(F64.buffer);
const F32 = new Float32Array(1);
const F32_WORD = new Int32Array(F32.buffer);
let utf8 = new Uint8Array(256);

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

/** One 4-byte word, as Spark's hashInt. */
export function hashInt(v: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(v | 0)), 4);
}

/** Two 4-byte words (low first), as Spark's hashLong over a long's bits. */
export function hashWords(low: number, high: number, seed: number): number {
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

/** A long held exactly in a double (|v| < 2^53): its two's-complement words. */
export function hashLong(v: number, seed: number): number {
  return hashWords(v | 0, Math.floor(v / 4294967296) | 0, seed);
}

/** A double's bits; -0.0 hashes as 0.0 and every NaN alike, matching grouping equality. */
export function hashDouble(d: number, seed: number): number {
  if (d === 0) return hashWords(0, 0, seed);
  if (d !== d) return hashWords(0, 0x7ff80000, seed);
  F64[0] = d;
  return hashWords(F64_WORDS[0]!, F64_WORDS[1]!, seed);
}

/** A float's bits; -0.0 hashes as 0.0 and every NaN alike. */
export function hashFloat(f: number, seed: number): number {
  if (f === 0) return hashInt(0, seed);
  if (f !== f) return hashInt(0x7fc00000, seed);
  F32[0] = f;
  return hashInt(F32_WORD[0]!, seed);
}

/** Spark's hashUnsafeBytes over bytes [0, n) of `b`: 4-byte blocks, then each tail byte as a sign-extended word. */
export function hashBytes(b: Uint8Array, n: number, seed: number): number {
  const aligned = n - (n % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)));
  for (let i = aligned; i < n; i++) h = mixH1(h, mixK1((b[i]! << 24) >> 24));
  return fmix(h, n);
}

/** The hash of a string's UTF-8 bytes, encoded into a shared scratch buffer (no allocation per value). */
export function hashString(s: string, seed: number): number {
  return hashBytes(utf8, encodeUtf8(s), seed);
}

/** UTF-8 encodes `s` into the shared scratch buffer; returns the byte count. */
function encodeUtf8(s: string): number {
  if (utf8.length < s.length * 3) utf8 = new Uint8Array(s.length * 3 + 64);
  const out = utf8;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { out[n++] = c; continue; }
    if (c < 0x800) { out[n++] = 0xc0 | (c >> 6); out[n++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
        continue;
      }
    }
    // Lone surrogates become U+FFFD, as TextEncoder (and Java's UTF-8 encoder) write them.
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    out[n++] = 0xe0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63);
  }
  return n;
}

/** The Murmur3 hash of one internal value of type `t` chained on `seed` (a null leaves the seed as is). */
export function hashValue(t: DataType, v: unknown, seed: number): number {
  if (v === null || v === undefined) return seed;
  switch (t.kind) {
    case 'boolean': return hashInt(v === true || v === 1 ? 1 : 0, seed);
    case 'int': case 'date': return hashInt(v as number, seed);
    case 'long': case 'timestamp': return hashLong(v as number, seed);
    case 'float': return hashFloat(v as number, seed);
    case 'double': return hashDouble(v as number, seed);
    case 'decimal': return hashLong(Math.round((v as number) * 10 ** t.scale), seed);
    case 'string': return hashString(v as string, seed);
    case 'binary': return hashBytes(v as Uint8Array, (v as Uint8Array).length, seed);
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
