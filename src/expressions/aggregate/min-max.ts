import type { DataType } from '../../core/types.js';
import type { PrimitiveArray, Vector } from '../../core/vector.js';
import { comparator, type Comparator } from '../compare.js';
import { GrowableColumn } from '../../core/hash/growable-column.js';
import { mergeViaState, type GroupAccumulator } from './aggregate-function.js';

/**
 * min(x) / max(x) for any orderable type, and bool_and / bool_or (min / max of
 * booleans). Spark's order: NaN is larger than every number; -0.0 equals 0.0
 * (the first seen stays). Nulls are skipped; a group without values gives null.
 */
export class MinMaxAccumulator implements GroupAccumulator {
  private readonly best: GrowableColumn;
  private readonly cmp: Comparator;

  constructor(private readonly type: DataType, private readonly isMax: boolean) {
    this.best = new GrowableColumn(type);
    this.cmp = comparator(type);
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    this.best.ensure(numGroups);
    const v = args[0]!;
    if (this.best.typed) this.updateNumbers(groupIds, numRows, v);
    else this.updateValues(groupIds, numRows, v);
  }

  private updateNumbers(groupIds: Int32Array, numRows: number, v: Vector): void {
    const vals = v.values as PrimitiveArray;
    const valid = v.validity;
    const best = this.best.values as PrimitiveArray;
    const has = this.best.valid;
    const isMax = this.isMax;
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      const g = groupIds[i]!;
      const x = vals[i]!;
      if (has[g] === 0) { best[g] = x; has[g] = 1; continue; }
      const b = best[g]!;
      // NaN is the largest value: max takes it, min takes anything over it.
      if (isMax ? x > b || (x !== x && b === b) : x < b || (b !== b && x === x)) best[g] = x;
    }
  }

  private updateValues(groupIds: Int32Array, numRows: number, v: Vector): void {
    const vals = v.values as unknown[];
    const valid = v.validity;
    const best = this.best.values as unknown[];
    const has = this.best.valid;
    const cmp = this.cmp;
    const sign = this.isMax ? 1 : -1;
    for (let i = 0; i < numRows; i++) {
      const x = vals[i];
      if ((valid !== null && valid[i] === 0) || x === null || x === undefined) continue;
      const g = groupIds[i]!;
      if (has[g] === 0 || sign * cmp(x, best[g]) > 0) { best[g] = x; has[g] = 1; }
    }
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    this.best.ensure(numGroups);
    return this.best.toVector(numGroups);
  }

  memoryBytes(): number { return this.best.memoryBytes(this.best.capacity); }
  stateTypes(): DataType[] { return [this.type]; }
  exportState(numGroups: number): Vector[] { return [this.evaluate(numGroups)]; }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    this.update(groupIds, vectors[0]!.length, vectors, numGroups);
  }
}
