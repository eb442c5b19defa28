import type { DataType } from '../../../src/core/types.js';
import { vectorFromValues, type Vector } from '../../../src/core/vector.js';
import type { JoinType } from '../../../src/physical/physical.js';

/** Key columns from rows of internal values: `cols(IntegerType, [[1], [2]])`. */
export function keyCols(types: readonly DataType[], rows: readonly (readonly unknown[])[]): Vector[] {
  return types.map((t, c) => vectorFromValues(t, rows.map((r) => r[c] ?? null)));
}

/** The result as [left, right] pairs (an empty `right`, allowed for semi and anti joins, reads as -1). */
export function pairs(r: { left: Int32Array; right: Int32Array; count: number }): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < r.count; k++) out.push([r.left[k]!, r.right.length === 0 ? -1 : r.right[k]!]);
  return out;
}

export function sortPairs(p: [number, number][]): [number, number][] {
  return [...p].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function keyEq(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a === b || (a !== a && b !== b);
  return a === b;
}

/**
 * The join by definition: every pair tested, left-major, then unmatched right
 * rows — the order joinIndices produces when it probes with the left side.
 */
export function naiveJoin(
  left: readonly (readonly unknown[])[], right: readonly (readonly unknown[])[], type: JoinType,
  cond: (i: number, j: number) => boolean = () => true,
): [number, number][] {
  const out: [number, number][] = [];
  const rightMatched = new Array<boolean>(right.length).fill(false);
  const match = (i: number, j: number) => left[i]!.every((v, c) => keyEq(v, right[j]![c])) && cond(i, j);
  for (let i = 0; i < left.length; i++) {
    let any = false;
    for (let j = 0; j < right.length; j++) {
      if (!match(i, j)) continue;
      any = true;
      rightMatched[j] = true;
      if (type !== 'left_semi' && type !== 'left_anti') out.push([i, j]);
    }
    if (type === 'left_semi' && any) out.push([i, -1]);
    if (type === 'left_anti' && !any) out.push([i, -1]);
    if ((type === 'left' || type === 'full') && !any) out.push([i, -1]);
  }
  if (type === 'right' || type === 'full') for (let j = 0; j < right.length; j++) if (!rightMatched[j]) out.push([-1, j]);
  return out;
}
