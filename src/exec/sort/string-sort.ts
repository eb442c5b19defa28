/**
 * Code unit `d` of `s` remapped so that unsigned order is code point order
 * (surrogates, i.e. code points ≥ 0x10000, move above U+E000..U+FFFF);
 * -1 past the end, so a prefix sorts first.
 */
function unitAt(s: string, d: number): number {
  if (d >= s.length) return -1;
  const c = s.charCodeAt(d);
  return c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

/** Ranges at most this long are finished by insertion sort. */
const SMALL = 12;

/**
 * Sorts row indices `rows` (none null) of the strings `vals` stably, by code
 * point: a three-way radix quicksort (Bentley & Sedgewick) that looks at one
 * character position at a time, so rows sharing a long prefix are not
 * compared from the start again, and no comparator callback runs. Equal
 * strings end up adjacent; a final pass puts each run back in row order.
 */
export function sortStringRows(vals: readonly unknown[], ascending: boolean, rows: Int32Array): Int32Array {
  const strs = vals as readonly string[];
  // An explicit stack of (lo, hi, depth) ranges instead of recursion.
  const stack: number[] = [0, rows.length, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= SMALL) {
      insertion(strs, rows, lo, hi, depth);
      continue;
    }
    const pivot = unitAt(strs[rows[(lo + hi) >>> 1]!]!, depth);
    // Partition into < pivot [lo, lt), = pivot [lt, gt), > pivot [gt, hi).
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i < gt) {
      const c = unitAt(strs[rows[i]!]!, depth);
      if (c < pivot) swap(rows, lt++, i++);
      else if (c > pivot) swap(rows, i, --gt);
      else i++;
    }
    if (lt - lo > 1) stack.push(lo, lt, depth);
    if (hi - gt > 1) stack.push(gt, hi, depth);
    // Strings that ended at this depth (pivot -1) are all equal: done.
    if (pivot >= 0 && gt - lt > 1) stack.push(lt, gt, depth + 1);
  }
  if (!ascending) rows.reverse();
  restoreRowOrder(strs, rows);
  return rows;
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Insertion sort of rows[lo, hi) whose strings agree on their first `depth` units. */
function insertion(strs: readonly string[], rows: Int32Array, lo: number, hi: number, depth: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const r = rows[i]!;
    const s = strs[r]!;
    let j = i;
    while (j > lo && compareFrom(strs[rows[j - 1]!]!, s, depth) > 0) {
      rows[j] = rows[j - 1]!;
      j--;
    }
    rows[j] = r;
  }
}

function compareFrom(a: string, b: string, depth: number): number {
  if (a === b) return 0;
  for (let d = depth; ; d++) {
    const x = unitAt(a, d);
    const y = unitAt(b, d);
    if (x !== y) return x - y;
    if (x < 0) return 0;
  }
}

/** Sorts each run of equal strings by row index, which makes the whole sort stable. */
function restoreRowOrder(strs: readonly string[], rows: Int32Array): void {
  const n = rows.length;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && strs[rows[i]!] === strs[rows[start]!]) continue;
    if (i - start > 1) rows.subarray(start, i).sort();
    start = i;
  }
}
