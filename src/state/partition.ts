import type { PrimitiveArray, Vector } from '../core/vector.js';
import { hashDouble, hashInt, hashLong, hashString, hashValue } from '../core/murmur3.js';

/**
 * Hash partitioning of state keys, as Spark's HashPartitioning does it:
 * partition = pmod(Murmur3_x86_32(key columns, seed 42), numPartitions).
 * The function is part of the checkpoint format — a key must land in the
 * partition that holds its state after any restart — so it depends only on
 * the key values, never on process state. Flat types hash column by column
 * over typed arrays with no allocation per row; -0.0/0.0 and all NaNs hash
 * alike, matching grouping equality.
 */

const SEED = 42;

/** Chains column `v`'s hash into `h` for rows [0, n): one tight loop per physical type. */
function hashColumn(v: Vector, n: number, h: Int32Array): void {
  const valid = v.validity;
  const t = v.type;
  switch (t.kind) {
    case 'int': case 'date': case 'boolean': {
      const a = v.values as PrimitiveArray;
      for (let i = 0; i < n; i++) if (valid === null || valid[i] !== 0) h[i] = hashInt(a[i]!, h[i]!);
      return;
    }
    case 'long': case 'timestamp': {
      const a = v.values as Float64Array;
      for (let i = 0; i < n; i++) if (valid === null || valid[i] !== 0) h[i] = hashLong(a[i]!, h[i]!);
      return;
    }
    case 'double': {
      const a = v.values as Float64Array;
      for (let i = 0; i < n; i++) if (valid === null || valid[i] !== 0) h[i] = hashDouble(a[i]!, h[i]!);
      return;
    }
    case 'string': {
      const a = v.values as unknown[];
      for (let i = 0; i < n; i++) {
        const s = a[i];
        if ((valid === null || valid[i] !== 0) && typeof s === 'string') h[i] = hashString(s, h[i]!);
      }
      return;
    }
    default: {
      const a = v.values as ArrayLike<unknown>;
      for (let i = 0; i < n; i++) if (valid === null || valid[i] !== 0) h[i] = hashValue(t, a[i], h[i]!);
    }
  }
}

/**
 * The partition of each of `numRows` key tuples among `numPartitions`:
 * `pmod(murmur3(keys, 42), numPartitions)`, Spark's choice for the same keys.
 * Stable across processes and restarts. With no key columns every row goes to 0.
 */
export function partitionOf(keys: readonly Vector[], numRows: number, numPartitions: number, out: Int32Array): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  const h = new Int32Array(numRows).fill(SEED);
  for (const k of keys) hashColumn(k, numRows, h);
  for (let i = 0; i < numRows; i++) {
    const m = h[i]! % numPartitions;
    out[i] = m < 0 ? m + numPartitions : m;
  }
}

/** The Murmur3 hash (seed 42) of each row's key tuple, as Spark's `hash(k1, k2, ...)`. */
export function hashKeys(keys: readonly Vector[], numRows: number, out: Int32Array): void {
  out.fill(SEED, 0, numRows);
  for (const k of keys) hashColumn(k, numRows, out);
}
