import { ArrayType, type DataType } from '../../core/types.js';
import { isTypedStorage, type PrimitiveArray, type Vector } from '../../core/vector.js';
import { canonicalKey } from '../../core/hash/canonical-key.js';
import { estimateValueBytes } from '../../core/hash/growable-column.js';
import { mergeViaState, type GroupAccumulator } from './aggregate-function.js';

/**
 * collect_list(x) / collect_set(x): the non-null values of each group as an
 * array (never null; empty for a group without values). collect_set keeps the
 * first occurrence of each value (NaN = NaN, -0.0 = 0.0), in input order —
 * Spark's order is unspecified. One JS array per group: these results are
 * arrays of values anyway.
 */
export class CollectAccumulator implements GroupAccumulator {
  private lists: (unknown[] | undefined)[] = [];
  private seen: (Set<unknown> | undefined)[] = [];
  private readonly primitiveKeys: boolean;
  private bytes = 0;

  constructor(private readonly type: DataType, private readonly isSet: boolean) {
    this.primitiveKeys = isTypedStorage(type) || type.kind === 'string';
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], _numGroups: number): void {
    const v = args[0]!;
    const valid = v.validity;
    const isBool = this.type.kind === 'boolean';
    const typed = isTypedStorage(this.type);
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      let x: unknown = typed ? (v.values as PrimitiveArray)[i] : (v.values as unknown[])[i];
      if (x === null || x === undefined) continue;
      if (isBool) x = x === 1;
      this.add(groupIds[i]!, x);
    }
  }

  private add(g: number, x: unknown): void {
    let list = this.lists[g];
    if (list === undefined) { list = []; this.lists[g] = list; }
    if (this.isSet) {
      let seen = this.seen[g];
      if (seen === undefined) { seen = new Set(); this.seen[g] = seen; }
      // Set uses SameValueZero: NaN meets NaN and -0 meets 0, as Spark's grouping equality.
      const key = this.primitiveKeys ? x : canonicalKey(this.type, x);
      if (seen.has(key)) return;
      seen.add(key);
    }
    list.push(x);
    this.bytes += 8 + estimateValueBytes(x);
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    mergeViaState(this, other, groupMap, otherNumGroups, numGroups);
  }

  evaluate(numGroups: number): Vector {
    const values = new Array<unknown>(numGroups);
    for (let g = 0; g < numGroups; g++) values[g] = this.lists[g]?.slice() ?? [];
    return { type: ArrayType(this.type, false), length: numGroups, values, validity: null };
  }

  memoryBytes(): number { return this.bytes + 16 * this.lists.length; }
  stateTypes(): DataType[] { return [ArrayType(this.type, false)]; }
  exportState(numGroups: number): Vector[] { return [this.evaluate(numGroups)]; }

  importState(vectors: readonly Vector[], groupIds: Int32Array, _numGroups: number): void {
    const v = vectors[0]!;
    for (let i = 0; i < v.length; i++) {
      const arr = (v.values as unknown[])[i] as unknown[] | null;
      if (arr === null || arr === undefined || (v.validity !== null && v.validity[i] === 0)) continue;
      const g = groupIds[i]!;
      for (const x of arr) if (x !== null && x !== undefined) this.add(g, x);
    }
  }
}
