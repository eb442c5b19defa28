import { ArrayType, IntegerType, type DataType } from '../../core/types.js';
import { getValue, takeVector, vectorFromValues, type Vector } from '../../core/vector.js';
import { KeyIndex } from '../../core/hash/key-index.js';
import type { GroupAccumulator } from './aggregate-function.js';

/**
 * The DISTINCT form of any aggregate (count(DISTINCT x), sum(DISTINCT x), ...):
 * remembers every (group, argument tuple) pair seen and feeds only new pairs
 * to the inner accumulator. Pairs compare like grouping keys (NaN = NaN,
 * -0.0 = 0.0, null = null; the inner aggregate decides what a null means).
 * The state is the distinct tuples themselves, so merging partials is exact.
 */
export class DistinctAccumulator implements GroupAccumulator {
  private readonly seen: KeyIndex;
  private ids = new Int32Array(0);

  constructor(private readonly inner: GroupAccumulator, private readonly argTypes: readonly DataType[]) {
    this.seen = new KeyIndex([IntegerType, ...argTypes]);
  }

  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void {
    if (this.ids.length < numRows) this.ids = new Int32Array(numRows);
    const before = this.seen.size;
    const g: Vector = { type: IntegerType, length: numRows, values: groupIds.subarray(0, numRows), validity: null };
    this.seen.map([g, ...args], numRows, this.ids);
    if (this.seen.size === before) { this.inner.update(groupIds, 0, args, numGroups); return; }
    // Each pair id is new exactly once: at the first row that maps to it.
    const fresh = new Int32Array(this.seen.size - before);
    let next = before;
    for (let i = 0; i < numRows && next < this.seen.size; i++) if (this.ids[i] === next) fresh[next++ - before] = i;
    const freshGroups = new Int32Array(fresh.length);
    for (let k = 0; k < fresh.length; k++) freshGroups[k] = groupIds[fresh[k]!]!;
    this.inner.update(freshGroups, fresh.length, args.map((a) => takeVector(a, fresh)), numGroups);
  }

  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
    this.importState(other.exportState(otherNumGroups), groupMap.subarray(0, otherNumGroups), numGroups);
  }

  evaluate(numGroups: number): Vector { return this.inner.evaluate(numGroups); }

  memoryBytes(): number { return this.seen.memoryBytes() + this.inner.memoryBytes(); }

  /** One array column per argument: each group's distinct tuples, position by position. */
  stateTypes(): DataType[] { return this.argTypes.map((t) => ArrayType(t, true)); }

  exportState(numGroups: number): Vector[] {
    const keys = this.seen.keyVectors();
    const gids = keys[0]!.values as Int32Array;
    const lists = this.argTypes.map(() => Array.from({ length: numGroups }, () => [] as unknown[]));
    for (let p = 0; p < this.seen.size; p++) {
      const g = gids[p]!;
      if (g >= numGroups) continue;
      for (let j = 0; j < lists.length; j++) lists[j]![g]!.push(getValue(keys[j + 1]!, p));
    }
    return lists.map((l, j) => ({ type: ArrayType(this.argTypes[j]!, true), length: numGroups, values: l, validity: null }));
  }

  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void {
    const groups: number[] = [];
    const cols = this.argTypes.map(() => [] as unknown[]);
    const first = vectors[0];
    if (first === undefined) return;
    for (let i = 0; i < first.length; i++) {
      const n = ((first.values as unknown[])[i] as unknown[] | null)?.length ?? 0;
      for (let k = 0; k < n; k++) {
        groups.push(groupIds[i]!);
        for (let j = 0; j < cols.length; j++) cols[j]!.push(((vectors[j]!.values as unknown[])[i] as unknown[])[k] ?? null);
      }
    }
    const args = cols.map((c, j) => vectorFromValues(this.argTypes[j]!, c));
    this.update(Int32Array.from(groups), groups.length, args, numGroups);
  }
}
