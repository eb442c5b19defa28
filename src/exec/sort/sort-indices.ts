import type { PrimitiveArray, Vector } from '../../core/vector.js';
import { keyComparator, rowComparator, type SortKey } from './key-compare.js';
import { radixSortRows } from './radix.js';
import { sortStringRows } from './string-sort.js';

export type { SortKey } from './key-compare.js';

/** Types whose stored values are always integers. */
const INTEGRAL = new Set(['int', 'date', 'boolean', 'long', 'timestamp']);
/** Types stored in Int32Array or Uint8Array: one 32-bit radix key suffices. */
const INT32_BACKED = new Set(['int', 'date', 'boolean']);
const FLOATING = new Set(['float', 'double', 'decimal']);
const NUMERIC = new Set([...INTEGRAL, ...FLOATING]);
/** Below this many rows a comparison sort beats the radix sort's fixed histogram cost. */
const RADIX_MIN_ROWS = 1024;

/**
 * A stable permutation of `numRows` rows in Spark's order for `keys`: NaN
 * larger than every number, nulls first or last per key, strings by code
 * point, false < true, nested values via compare.ts. Equal rows keep their
 * input order.
 */
export function sortIndices(keys: readonly SortKey[], numRows: number): Int32Array {
  if (keys.length === 0 || numRows <= 1) return identity(numRows);
  if (keys.length === 1) return sortOneKey(keys[0]!, identity(numRows), false);
  if (numRows >= RADIX_MIN_ROWS && keys.every((k) => NUMERIC.has(k.vector.type.kind))) {
    // All keys numeric: stable radix sorts from the last key to the first (LSD over keys).
    let perm = identity(numRows);
    for (let k = keys.length - 1; k >= 0; k--) perm = sortOneKey(keys[k]!, perm, true);
    return perm;
  }
  return identity(numRows).sort(rowComparator(keys));
}

/**
 * The first `k` rows of `sortIndices(keys, numRows)` (same ties, same order),
 * found with a bounded heap in O(n log k) for `orderBy(...).limit(k)`.
 */
export function topKIndices(keys: readonly SortKey[], numRows: number, k: number): Int32Array {
  const m = Math.max(0, Math.min(Math.floor(k), numRows));
  if (m === 0) return new Int32Array(0);
  if (keys.length === 0) return identity(m);
  // Past about half the input a full sort does less work than the heap.
  if (m * 2 >= numRows) return sortIndices(keys, numRows).slice(0, m);
  const cmp = rowComparator(keys);
  // A max-heap of the best m rows seen so far: the root is the worst of them.
  const heap = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    heap[i] = i;
    siftUp(heap, i, cmp);
  }
  for (let i = m; i < numRows; i++) {
    if (cmp(i, heap[0]!) >= 0) continue;
    heap[0] = i;
    siftDown(heap, m, cmp);
  }
  return heap.sort(cmp);
}

function siftUp(heap: Int32Array, pos: number, cmp: (i: number, j: number) => number): void {
  const x = heap[pos]!;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    const p = heap[parent]!;
    if (cmp(x, p) <= 0) break;
    heap[pos] = p;
    pos = parent;
  }
  heap[pos] = x;
}

function siftDown(heap: Int32Array, size: number, cmp: (i: number, j: number) => number): void {
  let pos = 0;
  const x = heap[0]!;
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    if (child + 1 < size && cmp(heap[child + 1]!, heap[child]!) > 0) child++;
    const c = heap[child]!;
    if (cmp(c, x) <= 0) break;
    heap[pos] = c;
    pos = child;
  }
  heap[pos] = x;
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Reorders the permutation `input` by one key, stably (ties keep their order
 * in `input`): nulls and NaNs are set aside, the rest sorted with the
 * cheapest method for the type, then the pieces put together. `radix` forces
 * the radix sort, whose stability is by input position, for numeric keys.
 */
function sortOneKey(key: SortKey, input: Int32Array, radix: boolean): Int32Array {
  const numRows = input.length;
  const v = key.vector;
  const valid = v.validity;
  const kind = v.type.kind;
  const floating = FLOATING.has(kind);
  const out = new Int32Array(numRows);
  // Rows are split into nulls, NaNs and ordinary values; nulls and NaNs keep row order.
  const rest = new Int32Array(numRows);
  let nRest = 0;
  let nNull = 0;
  let nNaN = 0;
  const nulls = valid === null ? null : new Int32Array(numRows);
  const nans = floating ? new Int32Array(numRows) : null;
  const vals = v.values;
  for (let p = 0; p < numRows; p++) {
    const i = input[p]!;
    if (valid !== null && valid[i] === 0) { nulls![nNull++] = i; continue; }
    if (floating) {
      const x = (vals as PrimitiveArray)[i]!;
      if (x !== x) { nans![nNaN++] = i; continue; }
    }
    rest[nRest++] = i;
  }
  const sorted = sortRows(v, key.ascending, rest.subarray(0, nRest), radix);
  let n = 0;
  if (key.nullsFirst && nulls !== null) { out.set(nulls.subarray(0, nNull), n); n += nNull; }
  // NaN is the largest value: last when ascending, first when descending.
  if (!key.ascending && nans !== null) { out.set(nans.subarray(0, nNaN), n); n += nNaN; }
  out.set(sorted, n);
  n += nRest;
  if (key.ascending && nans !== null) { out.set(nans.subarray(0, nNaN), n); n += nNaN; }
  if (!key.nullsFirst && nulls !== null) out.set(nulls.subarray(0, nNull), n);
  return out;
}

/**
 * Sorts row indices `rows` (no nulls or NaNs among them) of `v` stably. The
 * comparison paths break ties by row index, so unless `radix` is set `rows`
 * must be in ascending row order.
 */
function sortRows(v: Vector, ascending: boolean, rows: Int32Array, radix: boolean): Int32Array {
  const kind = v.type.kind;
  const numeric = NUMERIC.has(kind);
  if (numeric && (radix || rows.length >= RADIX_MIN_ROWS)) {
    return radixSortRows(v.values as PrimitiveArray, INT32_BACKED.has(kind), ascending, rows);
  }
  if (numeric) {
    const a = v.values as PrimitiveArray;
    // No NaN here, so subtraction orders correctly; ±Infinity - itself is NaN, which `||` treats as a tie.
    return ascending
      ? rows.sort((i, j) => (a[i]! - a[j]!) || i - j)
      : rows.sort((i, j) => (a[j]! - a[i]!) || i - j);
  }
  if (kind === 'string') return sortStringRows(v.values as unknown[], ascending, rows);
  const c = keyComparator({ vector: { ...v, validity: null }, ascending, nullsFirst: true });
  return rows.sort((i, j) => c(i, j) || i - j);
}
