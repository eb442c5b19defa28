import type { Vector } from '../../core/vector.js';
import { PROBE_CHUNK, type JoinHashTable } from './hash-table.js';

/** Result shape shared with join-indices.ts (kept local to avoid an import cycle). */
interface Pairs { readonly left: Int32Array; readonly right: Int32Array; readonly count: number }

/**
 * The hot path of an equi-join with no residual condition, probing with the
 * left side: key ids are looked up a cache-sized chunk at a time and pairs
 * written straight into output arrays that grow by doubling. Output follows
 * left row order. For semi and anti joins `right` is empty.
 */
export function probeLeftDirect(
  table: JoinHashTable, leftKeys: readonly Vector[], leftRows: number,
  type: 'inner' | 'left' | 'left_semi' | 'left_anti', scratch?: PairScratch,
): Pairs {
  const { head, next } = table;
  const ids = scratch ? scratch.idsFor(Math.min(PROBE_CHUNK, leftRows)) : new Int32Array(Math.min(PROBE_CHUNK, leftRows));
  if (type === 'left_semi' || type === 'left_anti') {
    const want = type === 'left_semi';
    // Untouched capacity costs nothing: pages are only mapped when written.
    const left = scratch ? scratch.pairsFor(leftRows).left : new Int32Array(leftRows);
    let n = 0;
    for (let start = 0; start < leftRows; start += PROBE_CHUNK) {
      const end = Math.min(leftRows, start + PROBE_CHUNK);
      table.probe(leftKeys, start, end, ids);
      // Write every row, advance by the outcome: no branch on whether the key matched.
      const flip = want ? 0 : 1;
      for (let k = 0; k < end - start; k++) {
        left[n] = start + k;
        n += (~ids[k]! >>> 31) ^ flip;
      }
    }
    return { left: left.subarray(0, n), right: new Int32Array(0), count: n };
  }
  const outer = type === 'left';
  let cap = Math.max(16, leftRows);
  let left: Int32Array;
  let right: Int32Array;
  if (scratch) ({ left, right } = scratch.pairsFor(cap));
  else { left = new Int32Array(cap); right = new Int32Array(cap); }
  cap = left.length;
  if (table.unique) return probeUnique(table, leftKeys, leftRows, type === 'left', ids, left, right);
  let n = 0;
  for (let start = 0; start < leftRows; start += PROBE_CHUNK) {
    const end = Math.min(leftRows, start + PROBE_CHUNK);
    table.probe(leftKeys, start, end, ids);
    for (let k = 0; k < end - start; k++) {
      const id = ids[k]!;
      if (id < 0) {
        if (!outer) continue;
        if (n === cap) ({ left, right, cap } = grow(left, right, n));
        left[n] = start + k;
        right[n++] = -1;
        continue;
      }
      for (let b = head[id]!; b >= 0; b = next[b]!) {
        if (n === cap) ({ left, right, cap } = grow(left, right, n));
        left[n] = start + k;
        right[n++] = b;
      }
    }
  }
  if (scratch) scratch.keep(left, right);
  return { left, right, count: n };
}

/**
 * Inner and left joins against a build side with unique keys (at most one
 * match per probe row, so `left` and `right` of leftRows capacity suffice):
 * branch-free, every probe row is written and the cursor advances by whether
 * it matched (always, for a left outer join, with -1 for no match).
 */
function probeUnique(
  table: JoinHashTable, leftKeys: readonly Vector[], leftRows: number, outer: boolean,
  ids: Int32Array, left: Int32Array, right: Int32Array,
): Pairs {
  const headOrNone = table.headOrNone;
  let n = 0;
  for (let start = 0; start < leftRows; start += PROBE_CHUNK) {
    const end = Math.min(leftRows, start + PROBE_CHUNK);
    table.probe(leftKeys, start, end, ids);
    if (outer) {
      for (let k = 0; k < end - start; k++) { left[n] = start + k; right[n++] = headOrNone[ids[k]! + 1]!; }
    } else {
      for (let k = 0; k < end - start; k++) {
        const r = headOrNone[ids[k]! + 1]!;
        left[n] = start + k;
        right[n] = r;
        n += ~r >>> 31; // 1 when matched (r >= 0)
      }
    }
  }
  return { left, right, count: n };
}

/**
 * Pair and id buffers reused across calls of probeLeftDirect, when each
 * result is used up before the next call (a join streamed batch by batch
 * into an aggregation): fresh arrays per batch cost more than the probe.
 */
export class PairScratch {
  private ids: Int32Array = new Int32Array(0);
  private left: Int32Array = new Int32Array(0);
  private right: Int32Array = new Int32Array(0);

  idsFor(n: number): Int32Array {
    if (this.ids.length < n) this.ids = new Int32Array(n);
    return this.ids;
  }

  pairsFor(n: number): { left: Int32Array; right: Int32Array } {
    if (this.left.length < n) { this.left = new Int32Array(n); this.right = new Int32Array(n); }
    return { left: this.left, right: this.right };
  }

  keep(left: Int32Array, right: Int32Array): void {
    this.left = left;
    this.right = right;
  }
}

function grow(left: Int32Array, right: Int32Array, n: number): { left: Int32Array; right: Int32Array; cap: number } {
  const cap = Math.min(n * 2, 2 ** 31 - 1);
  const l = new Int32Array(cap);
  const r = new Int32Array(cap);
  l.set(left);
  r.set(right);
  return { left: l, right: r, cap };
}
