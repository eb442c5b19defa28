import type { PrimitiveArray, Vector } from '../../core/vector.js';

// Scratch views for reading a double's bits without allocating per row.
const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);

/** Hash of NaN: every NaN hashes alike because Spark's join keys treat NaN = NaN. */
const NAN_HASH = 0x7ff80000;

/** murmur3's 32-bit finaliser: spreads the bits so the low bits index a power-of-two table well. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash of a number as a join key: equal numbers (including -0.0 and 0.0, and
 * every NaN) hash alike. Integers in int32 range skip the bit reinterpretation.
 */
function hashNumber(v: number): number {
  const n = v | 0;
  if (n === v) return n; // also maps -0.0 to 0
  if (v !== v) return NAN_HASH;
  f64[0] = v;
  return i32[0]! ^ Math.imul(i32[1]!, 0x9e3779b1);
}

/**
 * Dense ids for join keys: `assign` numbers the build side's distinct keys,
 * `lookup` finds a probe row's id. Rows with any null key get -1 on both
 * sides, because a null key never matches in an equi-join.
 */
export interface KeyIds {
  assign(keys: readonly Vector[], numRows: number, ids: Int32Array): number;
  /** Key ids of probe rows [start, end) into `ids[i - start]`. */
  lookup(keys: readonly Vector[], start: number, end: number, ids: Int32Array): void;
}

/** Initial open-addressing capacity for up to `n` keys (a power of two, load ≤ 1/2). */
export function capacityFor(n: number): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
}

/**
 * One key stored in a typed array (numbers, dates, timestamps, booleans): an
 * open-addressing table over the key values themselves, so probing never
 * touches the build vectors. NaN has its own id since NaN !== NaN.
 */
export class NumericKeyIds implements KeyIds {
  private vals = new Float64Array(16);
  private ids = new Int32Array(16).fill(-1);
  private count = 0;
  private nanId = -1;
  private dense: Int32Array | null = null;
  private denseMin = 0;

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    const k = keys[0]!;
    const a = k.values as PrimitiveArray;
    const valid = k.validity;
    this.resize(capacityFor(Math.min(numRows, 1 << 12)));
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = -1; continue; }
      const v = a[i]!;
      if (v !== v) {
        if (this.nanId < 0) this.nanId = this.count++;
        out[i] = this.nanId;
        continue;
      }
      let mask = this.ids.length - 1;
      let s = fmix32(hashNumber(v)) & mask;
      let id: number;
      while ((id = this.ids[s]!) >= 0 && this.vals[s] !== v) s = (s + 1) & mask;
      if (id < 0) {
        id = this.count++;
        this.ids[s] = id;
        this.vals[s] = v;
        if (this.count * 2 > mask + 1) this.resize((mask + 1) * 2);
      }
      out[i] = id;
    }
    this.buildDense();
    return this.count;
  }

  lookup(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    const k = keys[0]!;
    const a = k.values as PrimitiveArray;
    const valid = k.validity;
    if (this.dense !== null) {
      lookupDense(a, valid, start, end, out, this.dense, this.denseMin, this.nanId);
      return;
    }
    const vals = this.vals;
    const ids = this.ids;
    const mask = ids.length - 1;
    const nanId = this.nanId;
    for (let i = start; i < end; i++) {
      const v = a[i]!;
      if (v !== v) { out[i - start] = nanId; continue; }
      let s = fmix32(hashNumber(v)) & mask;
      let id: number;
      while ((id = ids[s]!) >= 0 && vals[s] !== v) s = (s + 1) & mask;
      out[i - start] = id;
    }
    if (valid !== null) for (let i = start; i < end; i++) if (valid[i] === 0) out[i - start] = -1;
  }

  /**
   * When the build keys are integers spanning a small range (ids, codes,
   * dates, a dimension table's key), a direct-address array replaces hashing:
   * probing is one subtraction and one load.
   */
  private buildDense(): void {
    const ids = this.ids;
    const vals = this.vals;
    let min = Infinity;
    let max = -Infinity;
    for (let s = 0; s < ids.length; s++) {
      if (ids[s]! < 0) continue;
      const v = vals[s]!;
      if (v !== Math.floor(v)) return;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) return; // no keys, or only NaN
    const span = max - min + 1;
    if (!(span <= Math.max(1024, 8 * this.count)) || span > 1 << 24) return;
    const dense = new Int32Array(span).fill(-1);
    for (let s = 0; s < ids.length; s++) if (ids[s]! >= 0) dense[vals[s]! - min] = ids[s]!;
    this.dense = dense;
    this.denseMin = min;
  }

  private resize(cap: number): void {
    if (cap <= this.ids.length && this.count === 0) return;
    const oldVals = this.vals;
    const oldIds = this.ids;
    this.vals = new Float64Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!;
      if (id < 0) continue;
      const v = oldVals[s]!;
      let t = fmix32(hashNumber(v)) & mask;
      while (this.ids[t]! >= 0) t = (t + 1) & mask;
      this.ids[t] = id;
      this.vals[t] = v;
    }
  }
}

/** Probe loop over a direct-address table; NaN and fractions fall outside it (`d | 0` differs from d). */
function lookupDense(
  a: PrimitiveArray, valid: Uint8Array | null, start: number, end: number, out: Int32Array,
  dense: Int32Array, min: number, nanId: number,
): void {
  const span = dense.length;
  for (let i = start; i < end; i++) {
    const d = a[i]! - min;
    const j = d | 0;
    out[i - start] = j === d && j >= 0 && j < span ? dense[j]! : -1;
  }
  if (nanId >= 0) for (let i = start; i < end; i++) if (a[i] !== a[i]) out[i - start] = nanId;
  if (valid !== null) for (let i = start; i < end; i++) if (valid[i] === 0) out[i - start] = -1;
}
