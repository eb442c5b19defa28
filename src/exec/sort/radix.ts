import type { PrimitiveArray } from '../../core/vector.js';

/** Digits are 16 bits: two passes per 32-bit half, a 256 KB histogram that stays in cache. */
const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

/**
 * Orders `rows` (ascending row indices, none null or NaN) by the numeric
 * values `a[row]`, stably, with an LSD radix sort over an order-preserving
 * unsigned encoding of each value: no comparator calls at all. Int32-backed
 * types need one 32-bit half; doubles (longs, timestamps, decimals, floats)
 * two. -0.0 is encoded as 0.0 so the two tie, as in Spark.
 */
export function radixSortRows(a: PrimitiveArray, int32: boolean, ascending: boolean, rows: Int32Array): Int32Array {
  const n = rows.length;
  const flip = ascending ? 0 : 0xffffffff;
  const hi = new Uint32Array(n);
  let lo: Uint32Array | null = null;
  if (int32) {
    // Flipping the sign bit turns two's complement order into unsigned order.
    for (let k = 0; k < n; k++) hi[k] = ((a[rows[k]!]! ^ 0x80000000) ^ flip) >>> 0;
  } else {
    const f = new Float64Array(n);
    for (let k = 0; k < n; k++) f[k] = a[rows[k]!]! + 0; // + 0 turns -0.0 into 0.0
    const bits = new Uint32Array(f.buffer); // little-endian: [lo, hi] per double
    lo = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const h = bits[2 * k + 1]!;
      const l = bits[2 * k]!;
      // IEEE order → unsigned order: negatives flip every bit, positives just the sign bit.
      if ((h & 0x80000000) !== 0) { hi[k] = (~h ^ flip) >>> 0; lo[k] = (~l ^ flip) >>> 0; }
      else { hi[k] = ((h ^ 0x80000000) ^ flip) >>> 0; lo[k] = (l ^ flip) >>> 0; }
    }
  }
  // Two buffer sets, ping-ponged between passes: fresh memory is costly to touch.
  const cur: SortState = { rows, hi, lo };
  let spare: SortState | null = null;
  const counts = new Int32Array(BUCKETS);
  const run = (which: 'hi' | 'lo', shift: number): void => {
    if (!histogram(which === 'hi' ? cur.hi : cur.lo!, n, shift, counts)) return;
    spare ??= { rows: new Int32Array(n), hi: new Uint32Array(n), lo: cur.lo === null ? null : new Uint32Array(n) };
    scatter(cur, spare, which === 'hi' ? cur.hi : cur.lo!, shift, counts);
    const t: SortState = { ...cur };
    Object.assign(cur, spare);
    spare = t;
  };
  if (lo !== null) {
    run('lo', 0);
    run('lo', DIGIT_BITS);
  }
  run('hi', 0);
  run('hi', DIGIT_BITS);
  return cur.rows;
}

interface SortState { rows: Int32Array; hi: Uint32Array; lo: Uint32Array | null }

/** Bucket start offsets for one 16-bit digit into `counts`; false when every key has the same digit (the pass is a no-op). */
function histogram(key: Uint32Array, n: number, shift: number, counts: Int32Array): boolean {
  counts.fill(0);
  for (let k = 0; k < n; k++) counts[(key[k]! >>> shift) & (BUCKETS - 1)]!++;
  if (n === 0 || counts[(key[0]! >>> shift) & (BUCKETS - 1)] === n) return false;
  let sum = 0;
  for (let b = 0; b < BUCKETS; b++) {
    const c = counts[b]!;
    counts[b] = sum;
    sum += c;
  }
  return true;
}

/** One stable counting-sort pass: moves rows and their keys from `src` to `dst` by digit. */
function scatter(src: SortState, dst: SortState, key: Uint32Array, shift: number, counts: Int32Array): void {
  const n = src.rows.length;
  const { rows: srcRows, hi: srcHi, lo: srcLo } = src;
  const { rows, hi, lo } = dst;
  if (lo === null || srcLo === null) {
    for (let k = 0; k < n; k++) {
      const to = counts[(key[k]! >>> shift) & (BUCKETS - 1)]!++;
      rows[to] = srcRows[k]!;
      hi[to] = srcHi[k]!;
    }
    return;
  }
  for (let k = 0; k < n; k++) {
    const to = counts[(key[k]! >>> shift) & (BUCKETS - 1)]!++;
    rows[to] = srcRows[k]!;
    hi[to] = srcHi[k]!;
    lo[to] = srcLo[k]!;
  }
}
