import { BooleanType, type DataType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import { GrowableColumn } from '../../core/hash/growable-column.js';
import { grownCapacity, growTyped, mergeViaState, type GroupAccumulator } from './aggregate-function.js';

/**
 * first(x) / last(x), optionally ignoring nulls. Without ignoreNulls the first
 * (last) row's value is taken even when it is null, as in Spark; the result
 * depends on row order, which Spark also leaves to the input order.
 */
export class FirstLastAccumulator implements GroupAccumulator {
  private readonly value: GrowableColumn;
  private isSet = new Uint8Array(16);

  constructor(private readonly type: DataType, private readonly isLast: boolean, private readonly ignoreNulls: boolean) {
    this.value = new GrowableColumn(type);
  }

  private ensure(n: number): void {
    this.value.ensure(n);
    if (n > this.isSet.length) this.isSet = growTyped(this.isSet, grownCapacity(this.isSet.length, n));
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.ensure(numGroups);
    this.take(groupIds, numRows, args[0]!, null);
  }

  /** Takes rows of `v` into their groups; `setMask`, when given, marks the rows that carry a value (state import). */
  private take(groupIds: Int32Array, numRows: number, v: Vector, setMask: Vector | null): void {
    const valid = v.validity;
    const isSet = this.isSet;
    const sm = setMask === null ? null : (setMask.values as Uint8Array);
    for (let i = 0; i < numRows; i++) {
      if (sm !== null && sm[i] === 0) continue;
      const g = groupIds[i]!;
      if (!this.isLast && isSet[g] === 1) continue;
      if (this.ignoreNulls && valid !== null && valid[i] === 0) continue;
      this.value.copyFrom(g, v, i);
      isSet[g] = 1;
    }
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.ensure(numGroups);
    return this.value.toVector(numGroups);
  }

  memoryBytes(): number { return this.value.memoryBytes(this.value.capacity) + this.isSet.byteLength; }
  /** [value, valueSet], as Spark's First/Last keep. */
  stateTypes(): DataType[] { return [this.type, BooleanType]; }

  exportState(numGroups: number): Vector[] {
    this.ensure(numGroups);
    return [this.value.toVector(numGroups), { type: BooleanType, length: numGroups, values: this.isSet.slice(0, numGroups), validity: null }];
  }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.ensure(numGroups);
    this.take(groupIds, vectors[0]!.length, vectors[0]!, vectors[1]!);
  }
}
