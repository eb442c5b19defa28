import type { PrimitiveArray, Vector } from '../../core/vector.js';
import { keyComparator, rowComparator, type SortKey } from './key-compare.js';

export type { SortKey } from './key-compare.js';

/** Types whose stored values are always integers, so value and row index can be packed into one double. */
const INTEGRAL = new Set(['int', 'date', 'boolean', 'long', 'timestamp']);
const FLOATING = new Set(['float', 'double', 'decimal']);

/**
 * A stable permutation of `numRows` rows in Spark's order for `keys`: NaN
 * larger than every number, nulls first or last per key, strings by code
 * point, false < true, nested values via compare.ts. Equal rows keep their
 * input order.
 */
export function sortIndices(keys: readonly SortKey[], numRows: number): Int32Array {
  if (keys.length === 0 || numRows <= 1) return identity(numRows);
  if (keys.length === 1) return sortOneKey(keys[0]!, numRows);
  const idx = identity(numRows);
  return idx.sort(rowComparator(keys));
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
 * One key: set nulls (and NaN) aside in row order, sort the rest with the
 * cheapest method for the type, then put the pieces together.
 */
function sortOneKey(key: SortKey, numRows: number): Int32Array {
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
  for (let i = 0; i < numRows; i++) {
    if (valid !== null && valid[i] === 0) { nulls![nNull++] = i; continue; }
    if (floating) {
      const x = (vals as PrimitiveArray)[i]!;
      if (x !== x) { nans![nNaN++] = i; continue; }
    }
    rest[nRest++] = i;
  }
  const sorted = sortRows(v, key.ascending, rest.subarray(0, nRest), numRows);
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

/** Sorts row indices `rows` (ascending, no nulls or NaNs among them) of `v` stably. */
function sortRows(v: Vector, ascending: boolean, rows: Int32Array, numRows: number): Int32Array {
  const kind = v.type.kind;
  if (INTEGRAL.has(kind)) {
    const packed = packedSort(v.values as PrimitiveArray, ascending, rows, numRows);
    if (packed !== null) return packed;
  }
  if (FLOATING.has(kind) || INTEGRAL.has(kind)) {
    const a = v.values as PrimitiveArray;
    // No NaN here, so subtraction orders correctly; ±Infinity - itself is NaN, which `||` treats as a tie.
    return ascending
      ? rows.sort((i, j) => (a[i]! - a[j]!) || i - j)
      : rows.sort((i, j) => (a[j]! - a[i]!) || i - j);
  }
  const c = keyComparator({ vector: { ...v, validity: null }, ascending, nullsFirst: true });
  return rows.sort((i, j) => c(i, j) || i - j);
}

/**
 * Integer keys: packs (key - min) * numRows + row into one double and sorts
 * those natively (no comparator calls), which is also stable since the row
 * breaks ties. Needs (max - min + 1) * numRows ≤ 2^53; returns null otherwise.
 */
function packedSort(a: PrimitiveArray, ascending: boolean, rows: Int32Array, numRows: number): Int32Array | null {
  const n = rows.length;
  if (n === 0) return rows;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = a[rows[k]!]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if ((max - min + 1) * numRows > Number.MAX_SAFE_INTEGER) return null;
  const keys = new Float64Array(n);
  if (ascending) for (let k = 0; k < n; k++) { const r = rows[k]!; keys[k] = (a[r]! - min) * numRows + r; }
  else for (let k = 0; k < n; k++) { const r = rows[k]!; keys[k] = (max - a[r]!) * numRows + r; }
  keys.sort();
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = keys[k]! % numRows;
  return out;
}
