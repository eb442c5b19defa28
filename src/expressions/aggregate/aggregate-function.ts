import type { DataType } from '../../core/types.js';
import type { Vector } from '../../core/vector.js';
import type { ArgInfo, FunctionContext } from '../functions/function.js';

/**
 * The running state of one aggregate for many groups at once. State lives in
 * typed arrays indexed by group id (no object per group for numeric
 * aggregates) and grows on demand: a group id that was never updated reads as
 * "no input" (count 0, sum null).
 *
 * The shape is arquero's init/add/value record widened to whole batches, plus
 * merge and state as columns: partial aggregation merges accumulators, and
 * the streaming state store checkpoints `exportState` columns and loads them
 * back with `importState`.
 */
export interface GroupAccumulator {
  /** Adds rows [0, numRows): row i goes to group `groupIds[i]`; `numGroups` bounds every id. */
  update(groupIds: Int32Array, numRows: number, args: readonly Vector[], numGroups: number): void;
  /**
   * Merges partial state: group g of `other` (same resolution) goes into group
   * `groupMap[g]` of this one, for g in [0, otherNumGroups). Order matters only
   * for first/last/collect_list, where `other` counts as later input.
   */
  merge(other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void;
  /** The result of groups [0, numGroups). */
  evaluate(numGroups: number): Vector;
  /** Approximate bytes held. */
  memoryBytes(): number;
  /** Types of the state columns exportState produces. */
  stateTypes(): DataType[];
  /** The state of groups [0, numGroups) as columns (one row per group). */
  exportState(numGroups: number): Vector[];
  /**
   * Merges state rows (as exportState made them) into groups: row i into
   * `groupIds[i]`. Into fresh groups this is a plain load.
   */
  importState(vectors: readonly Vector[], groupIds: Int32Array, numGroups: number): void;
}

/** An aggregate function resolved for concrete argument types. */
export interface AggregateResolution {
  readonly type: DataType;
  readonly nullable: boolean;
  /** Types the analyzer must cast each argument to (undefined = leave as is). */
  readonly argTypes?: readonly (DataType | undefined)[];
  /** explain()/column-name form when the default `name([DISTINCT ]args)` is not Spark's. */
  readonly display?: string;
  /** A fresh accumulator (no groups yet). */
  create(): GroupAccumulator;
}

/** Modifiers written on the call: `count(DISTINCT x)`, `first(x) IGNORE NULLS`. */
export interface AggregateOptions { readonly distinct: boolean; readonly ignoreNulls: boolean }

/** An aggregate under Spark's name; `resolve` throws an AnalysisException for bad arguments, naming the function. */
export interface AggregateFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  resolve(args: readonly ArgInfo[], ctx: FunctionContext, opts: AggregateOptions): AggregateResolution;
}

/** Default merge: export the other side's state and import it under the group map. */
export function mergeViaState(self: GroupAccumulator, other: GroupAccumulator, groupMap: Int32Array, otherNumGroups: number, numGroups: number): void {
  self.importState(other.exportState(otherNumGroups), groupMap.subarray(0, otherNumGroups), numGroups);
}

/** Next capacity at least `n`, doubling from `cap` (never below 16). */
export function grownCapacity(cap: number, n: number): number {
  let c = Math.max(cap, 16);
  while (c < n) c *= 2;
  return c;
}

/** A copy of `a` with room for `cap` entries (typed arrays only). */
export function growTyped<T extends Float64Array | Int32Array | Uint8Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}
