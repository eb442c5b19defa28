import type { PrimitiveArray } from '../vector.js';

/** Widest value range a direct-address table may span (4 bytes per slot). */
const MAX_SPAN = 1 << 22;
/** Spans up to this wide are always allowed; wider ones need enough distinct keys to fill them. */
const SMALL_SPAN = 1 << 16;

/**
 * A direct-address table from integral key values to ids, in front of
 * KeyIndex's hash table for a single numeric key: group-by keys are mostly
 * small integers (codes, ids of a dimension, years), and for them one
 * subtraction and one load replace hashing and probing. It only caches ids
 * the hash table already gave out, so the hash table stays the truth; it
 * switches itself off for good when the keys spread too wide.
 */
export class DenseIds {
  private table: Int32Array = new Int32Array(0);
  private base = 0;
  /** False once the keys spread too wide; then every row takes the hash path. */
  enabled = true;

  /**
   * Writes the id of each row of [0, n) found in the table to `out`, and -1
   * for the rest (nulls, NaN, fractions, values not seen yet); returns how
   * many rows got -1.
   */
  lookup(vals: PrimitiveArray, valid: Uint8Array | null, n: number, out: Int32Array): number {
    const table = this.table;
    const base = this.base;
    const span = table.length;
    let misses = 0;
    for (let i = 0; i < n; i++) {
      const d = vals[i]! - base;
      const j = d | 0;
      const id = j === d && j >= 0 && j < span ? table[j]! : -1;
      out[i] = id;
      if (id < 0) misses++;
    }
    if (valid !== null) {
      for (let i = 0; i < n; i++) {
        if (valid[i] === 0 && out[i]! >= 0) { out[i] = -1; misses++; }
      }
    }
    return misses;
  }

  /** The id cached for value `x`, or -1. */
  get(x: number): number {
    const d = x - this.base;
    const j = d | 0;
    return j === d && j >= 0 && j < this.table.length ? this.table[j]! : -1;
  }

  /** Records that value `x` (a non-null key) has id `id`; `count` is the number of ids so far. */
  remember(x: number, id: number, count: number): void {
    if (!this.enabled || !Number.isFinite(x) || x !== Math.floor(x)) return; // fractions, NaN and infinities stay on the hash path
    if (this.table.length === 0) {
      this.base = x;
      this.table = new Int32Array(64).fill(-1);
    }
    let j = x - this.base;
    if (j < 0 || j >= this.table.length) {
      if (!this.widen(x, count)) return;
      j = x - this.base;
    }
    this.table[j] = id;
  }

  private widen(x: number, count: number): boolean {
    const lo = Math.min(this.base, x);
    const hi = Math.max(this.base + this.table.length - 1, x);
    const need = hi - lo + 1;
    if (need > MAX_SPAN || need > Math.max(SMALL_SPAN, 8 * count)) {
      this.enabled = false;
      this.table = new Int32Array(0);
      return false;
    }
    // Grow by doubling, leaving room on the side that grew.
    let size = this.table.length;
    while (size < need) size *= 2;
    size = Math.min(size, MAX_SPAN);
    const newBase = x < this.base ? hi - size + 1 : lo;
    const t = new Int32Array(size).fill(-1);
    t.set(this.table, this.base - newBase);
    this.table = t;
    this.base = newBase;
    return true;
  }
}
