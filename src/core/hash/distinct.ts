import type { Vector } from '../vector.js';
import { KeyIndex } from './key-index.js';

/**
 * The row index of the first occurrence of each distinct key tuple, in row
 * order (distinct() and dropDuplicates()). Keys compare as in grouping:
 * null = null, NaN = NaN, -0.0 = 0.0. With no key columns every row is the
 * same key, so the answer is row 0 (or nothing for no rows).
 */
export function distinctIndices(keys: readonly Vector[], numRows: number): Int32Array {
  if (keys.length === 0) return numRows > 0 ? Int32Array.of(0) : new Int32Array(0);
  const index = new KeyIndex(keys.map((k) => k.type));
  const ids = new Int32Array(numRows);
  const n = index.map(keys, numRows, ids);
  const out = new Int32Array(n);
  // Ids are handed out in first-seen order, so the row that sees id `next` first is its first occurrence.
  let next = 0;
  for (let i = 0; i < numRows && next < n; i++) if (ids[i] === next) out[next++] = i;
  return out;
}
