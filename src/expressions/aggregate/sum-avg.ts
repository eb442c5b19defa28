import { LongType, type DataType } from '../../core/types.js';
import type { PrimitiveArray, Vector } from '../../core/vector.js';
import { grownCapacity, growTyped, mergeViaState, type GroupAccumulator } from './aggregate-function.js';

/** Rounds to `scale` digits and returns null past `precision` digits, as Spark's decimal overflow does with ANSI off. */
export function decimalFit(x: number, precision: number, scale: number): number | null {
  const f = 10 ** scale;
  const r = Math.round(Math.abs(x) * f) / f * Math.sign(x);
  return r !== r || Math.abs(r) >= 10 ** (precision - scale) ? null : r;
}

/**
 * sum(x) and avg(x): a running sum and count per group in Float64Arrays.
 * `resultType` is bigint or double for sum, double for avg, or a decimal;
 * a group with no non-null input gives null. Long sums are exact within ±2^53.
 */
export class SumAvgAccumulator implements GroupAccumulator {
  private sums = new Float64Array(16);
  private counts = new Float64Array(16);

  constructor(private readonly resultType: DataType, private readonly isAvg: boolean, private readonly sumType: DataType = resultType) {}

  private ensure(n: number): void {
    if (n <= this.sums.length) return;
    const cap = grownCapacity(this.sums.length, n);
    this.sums = growTyped(this.sums, cap);
    this.counts = growTyped(this.counts, cap);
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    const v = args[0]!;
    const vals = v.values as PrimitiveArray;
    const valid = v.validity;
    const sums = this.sums;
    const counts = this.counts;
    if (valid === null) {
      for (let i = 0; i < numRows; i++) { const g = groupIds[i]!; sums[g] = sums[g]! + vals[i]!; counts[g] = counts[g]! + 1; }
    } else {
      for (let i = 0; i < numRows; i++) {
        if (valid[i] === 0) continue;
        const g = groupIds[i]!;
        sums[g] = sums[g]! + vals[i]!;
        counts[g] = counts[g]! + 1;
      }
    }
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    if (other instanceof SumAvgAccumulator) {
      this.ensure(numGroups);
      other.ensure(otherNumGroups);
      for (let g = 0; g < otherNumGroups; g++) {
        const t = groupMap[g]!;
        this.sums[t] = this.sums[t]! + other.sums[g]!;
        this.counts[t] = this.counts[t]! + other.counts[g]!;
      }
      return;
    }
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    const out = new Float64Array(numGroups);
    const validity = new Uint8Array(numGroups);
    const t = this.resultType;
    for (let g = 0; g < numGroups; g++) {
      const n = this.counts[g]!;
      if (n === 0) continue;
      let x = this.isAvg ? this.sums[g]! / n : this.sums[g]!;
      if (t.kind === 'decimal') {
        const r = decimalFit(x, t.precision, t.scale);
        if (r === null) continue;
        x = r;
      }
      out[g] = x;
      validity[g] = 1;
    }
    return { type: t, length: numGroups, values: out, validity: validity.every((b) => b === 1) ? null : validity };
  }

  memoryBytes(): number { return this.sums.byteLength + this.counts.byteLength; }

  /** [sum, count]: sum keeps a count too, so a group that saw no input stays null after a merge. */
  stateTypes(): DataType[] { return [this.sumType, LongType]; }

  exportState(numGroups: number): Vector[] {
    this.ensure(numGroups);
    const types = this.stateTypes();
    return [
      { type: types[0]!, length: numGroups, values: this.sums.slice(0, numGroups), validity: null },
      { type: LongType, length: numGroups, values: this.counts.slice(0, numGroups), validity: null },
    ];
  }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.ensure(numGroups);
    const s = vectors[0]!;
    const c = vectors[1]!;
    const sv = s.values as Float64Array;
    const cv = c.values as Float64Array;
    for (let i = 0; i < s.length; i++) {
      if (s.validity !== null && s.validity[i] === 0) continue;
      const g = groupIds[i]!;
      this.sums[g] = this.sums[g]! + sv[i]!;
      this.counts[g] = this.counts[g]! + cv[i]!;
    }
  }
}
