import { rowComparator, type SortKey } from './key-compare.js';

/**
 * Merges runs of row indices, each already in `sortIndices` order for `keys`
 * (e.g. the sorted batches of a concatenated input), into one run in that
 * order. Ties are broken by row index, exactly as `sortIndices` does, so
 * merging the sorted parts of an input equals sorting all of it. A min-heap
 * over run heads makes it O(n log r) for r runs.
 */
export function mergeSortedRuns(keys: readonly SortKey[], runs: readonly Int32Array[]): Int32Array {
  let total = 0;
  for (const r of runs) total += r.length;
  const out = new Int32Array(total);
  const live = runs.filter((r) => r.length > 0);
  if (live.length === 1) { out.set(live[0]!); return out; }
  if (live.length === 0) return out;
  const cmp = rowComparator(keys);
  // heap[h] is a run number; pos[run] the next unread element of that run.
  const pos = new Int32Array(live.length);
  const heap = new Int32Array(live.length);
  let size = 0;
  const head = (run: number): number => live[run]![pos[run]!]!;
  const less = (a: number, b: number): boolean => cmp(head(a), head(b)) < 0;
  const down = (i: number): void => {
    const x = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && less(heap[c + 1]!, heap[c]!)) c++;
      if (!less(heap[c]!, x)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = x;
  };
  for (let r = 0; r < live.length; r++) heap[size++] = r;
  for (let i = (size >> 1) - 1; i >= 0; i--) down(i);
  let n = 0;
  while (size > 0) {
    const run = heap[0]!;
    out[n++] = head(run);
    if (++pos[run]! === live[run]!.length) heap[0] = heap[--size]!;
    if (size > 0) down(0);
  }
  return out;
}
