import { LongType, type DataType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import { grownCapacity, growTyped, mergeViaState, type GroupAccumulator } from './aggregate-function.js';

/**
 * count(x, ...) (rows where every argument is non-null; count(*) arrives as
 * count(1)) and count_if(cond) (rows where cond is true). Result: bigint,
 * never null, 0 for a group without input.
 */
export class CountAccumulator implements GroupAccumulator {
  private counts = new Float64Array(16);
  constructor(private readonly onlyTrue: boolean) {}

  private ensure(n: number): void {
    if (n > this.counts.length) this.counts = growTyped(this.counts, grownCapacity(this.counts.length, n));
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    const counts = this.counts;
    if (this.onlyTrue) {
      const v = args[0]!;
      const vals = v.values as Uint8Array;
      const valid = v.validity;
      for (let i = 0; i < numRows; i++) {
        if (vals[i] === 1 && (valid === null || valid[i] === 1)) { const g = groupIds[i]!; counts[g] = counts[g]! + 1; }
      }
      return;
    }
    const masks = args.map((a) => a.validity).filter((m): m is Uint8Array => m !== null);
    if (masks.length === 0) {
      for (let i = 0; i < numRows; i++) { const g = groupIds[i]!; counts[g] = counts[g]! + 1; }
    } else if (masks.length === 1) {
      const m = masks[0]!;
      for (let i = 0; i < numRows; i++) { const g = groupIds[i]!; counts[g] = counts[g]! + m[i]!; }
    } else {
      for (let i = 0; i < numRows; i++) {
        let ok = 1;
        for (let k = 0; k < masks.length; k++) ok &= masks[k]![i]!;
        const g = groupIds[i]!;
        counts[g] = counts[g]! + ok;
      }
    }
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    if (other instanceof CountAccumulator) {
      this.ensure(numGroups);
      other.ensure(otherNumGroups);
      for (let g = 0; g < otherNumGroups; g++) this.counts[groupMap[g]!] = this.counts[groupMap[g]!]! + other.counts[g]!;
      return;
    }
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    return { type: LongType, length: numGroups, values: this.counts.slice(0, numGroups), validity: null };
  }

  memoryBytes(): number { return this.counts.byteLength; }
  stateTypes(): DataType[] { return [LongType]; }
  exportState(numGroups: number): Vector[] { return [this.evaluate(numGroups)]; }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.ensure(numGroups);
    const v = vectors[0]!;
    const vals = v.values as Float64Array;
    for (let i = 0; i < v.length; i++) if (v.validity === null || v.validity[i] === 1) this.counts[groupIds[i]!] = this.counts[groupIds[i]!]! + vals[i]!;
  }
}
