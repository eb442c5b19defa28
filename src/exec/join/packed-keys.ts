import { makeVector, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { DoubleType } from '../../core/types.js';
import { NumericKeyIds, type KeyIds } from './numeric-keys.js';

/** Key types whose stored values are always integers. */
const INTEGRAL = new Set(['int', 'date', 'boolean', 'long', 'timestamp']);

/**
 * Several integer key columns packed into one number, Σ (v_c - min_c) ×
 * stride_c, using the build side's per-column ranges, so a multi-column join
 * runs on the single-number table (and its direct-address fast path). A probe
 * value outside the build range cannot match and packs to -1.
 */
export class PackedKeyIds implements KeyIds {
  private readonly inner = new NumericKeyIds();
  private packed = new Float64Array(0);
  private valid = new Uint8Array(0);

  private constructor(private readonly mins: Float64Array, private readonly spans: Float64Array) {}

  /** A packer for these build keys, or null when a column is not integral or the ranges multiply past 2^53. */
  static tryCreate(keys: readonly Vector[], numRows: number): PackedKeyIds | null {
    if (keys.length < 2 || !keys.every((k) => INTEGRAL.has(k.type.kind))) return null;
    const mins = new Float64Array(keys.length);
    const spans = new Float64Array(keys.length);
    let total = 1;
    for (let c = 0; c < keys.length; c++) {
      const a = keys[c]!.values as PrimitiveArray;
      const valid = keys[c]!.validity;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < numRows; i++) {
        if (valid !== null && valid[i] === 0) continue;
        const v = a[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min > max) { min = 0; max = 0; }
      mins[c] = min;
      spans[c] = max - min + 1;
      total *= spans[c]!;
    }
    return total <= Number.MAX_SAFE_INTEGER ? new PackedKeyIds(mins, spans) : null;
  }

  assign(keys: readonly Vector[], numRows: number, out: Int32Array): number {
    return this.inner.assign([this.pack(keys, 0, numRows)], numRows, out);
  }

  lookup(keys: readonly Vector[], start: number, end: number, out: Int32Array): void {
    this.inner.lookup([this.pack(keys, start, end)], 0, end - start, out);
  }

  /** Packs rows [start, end) into a reused double vector; a null key or an out-of-range value marks the row invalid. */
  private pack(keys: readonly Vector[], start: number, end: number): Vector {
    const n = end - start;
    if (this.packed.length < n) {
      this.packed = new Float64Array(n);
      this.valid = new Uint8Array(n);
    }
    const packed = this.packed;
    const valid = this.valid;
    packed.fill(0, 0, n);
    valid.fill(1, 0, n);
    let stride = 1;
    for (let c = 0; c < keys.length; c++) {
      const a = keys[c]!.values as PrimitiveArray;
      const kv = keys[c]!.validity;
      const min = this.mins[c]!;
      const span = this.spans[c]!;
      for (let k = 0; k < n; k++) {
        const d = a[start + k]! - min;
        if (d < 0 || d >= span) valid[k] = 0;
        packed[k] = packed[k]! + d * stride;
      }
      if (kv !== null) for (let k = 0; k < n; k++) valid[k] = valid[k]! & kv[start + k]!;
      stride *= span;
    }
    return makeVector(DoubleType, packed.subarray(0, n), valid.subarray(0, n), n);
  }
}
