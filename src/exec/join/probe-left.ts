import type { JoinHashTable } from './hash-table.js';

/** Result shape shared with join-indices.ts (kept local to avoid an import cycle). */
interface Pairs { readonly left: Int32Array; readonly right: Int32Array; readonly count: number }

/**
 * The hot path of an equi-join with no residual condition, probing with the
 * left side: one pass over the probe rows' key ids, writing pairs straight
 * into output arrays that grow by doubling. Output follows left row order.
 */
export function probeLeftDirect(
  table: JoinHashTable, ids: Int32Array, leftRows: number, type: 'inner' | 'left' | 'left_semi' | 'left_anti',
): Pairs {
  const { head, next } = table;
  if (type === 'left_semi' || type === 'left_anti') {
    const want = type === 'left_semi';
    const left = new Int32Array(leftRows);
    let n = 0;
    for (let i = 0; i < leftRows; i++) if ((ids[i]! >= 0) === want) left[n++] = i;
    return { left: left.subarray(0, n), right: new Int32Array(n).fill(-1), count: n };
  }
  const outer = type === 'left';
  let cap = Math.max(16, leftRows);
  let left: Int32Array = new Int32Array(cap);
  let right: Int32Array = new Int32Array(cap);
  let n = 0;
  for (let i = 0; i < leftRows; i++) {
    const id = ids[i]!;
    if (id < 0) {
      if (!outer) continue;
      if (n === cap) ({ left, right, cap } = grow(left, right, n));
      left[n] = i;
      right[n++] = -1;
      continue;
    }
    for (let b = head[id]!; b >= 0; b = next[b]!) {
      if (n === cap) ({ left, right, cap } = grow(left, right, n));
      left[n] = i;
      right[n++] = b;
    }
  }
  return { left, right, count: n };
}

function grow(left: Int32Array, right: Int32Array, n: number): { left: Int32Array; right: Int32Array; cap: number } {
  const cap = Math.min(n * 2, 2 ** 31 - 1);
  const l = new Int32Array(cap);
  const r = new Int32Array(cap);
  l.set(left);
  r.set(right);
  return { left: l, right: r, cap };
}
