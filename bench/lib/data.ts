/**
 * Deterministic benchmark data, built once as columnar arrays: a fact table
 * (id, k, s, v, flag) of N rows and a 1,000-row dimension table (k, name, w).
 * Every system is fed these same arrays.
 */

/** The fact table's columns: `id` long, `k` int key (1,000 values), `s` string key (1,000 values), `v` double, `flag` boolean (0/1). */
export interface FactData {
  readonly n: number;
  readonly id: Float64Array;
  readonly k: Int32Array;
  readonly s: string[];
  readonly v: Float64Array;
  readonly flag: Uint8Array;
}

/** The dimension table: keys 0, 2, 4, ... 1998, so half of the fact rows find a match. */
export interface DimData {
  readonly n: number;
  readonly k: Int32Array;
  readonly name: string[];
  readonly w: Float64Array;
}

/** Distinct values of each key column. */
export const KEYS = 1000;

/** Mulberry32: a small seeded PRNG, so every run (and every system) sees the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the fact table of `n` rows from `seed`. */
export function makeFact(n: number, seed = 42): FactData {
  const next = rng(seed);
  const names = Array.from({ length: KEYS }, (_, i) => `key_${String(i).padStart(4, '0')}`);
  const id = new Float64Array(n);
  const k = new Int32Array(n);
  const s = new Array<string>(n);
  const v = new Float64Array(n);
  const flag = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    id[i] = i;
    k[i] = Math.floor(next() * KEYS);
    s[i] = names[Math.floor(next() * KEYS)]!;
    v[i] = Math.round(next() * 100_000) / 100; // two decimals in [0, 1000]
    flag[i] = next() < 0.5 ? 1 : 0;
  }
  return { n, id, k, s, v, flag };
}

/** Builds the 1,000-row dimension table (keys 0, 2, ... 1998). */
export function makeDim(): DimData {
  const k = new Int32Array(KEYS);
  const w = new Float64Array(KEYS);
  const name: string[] = [];
  for (let j = 0; j < KEYS; j++) {
    k[j] = 2 * j;
    w[j] = j / 10;
    name.push(`dim_${j}`);
  }
  return { n: KEYS, k, name, w };
}
